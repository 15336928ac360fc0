import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { SwitchyardError } from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS } from '@switchyard/testing';
import {
  chatRequest,
  startStreamFixture,
  thrownBy,
  type StreamFixture,
} from './support/stream-fixture.js';

describe('a request nobody serves', () => {
  let fx: StreamFixture;

  beforeAll(async () => {
    // Far beyond the bound below: an answer only the idle timeout gave would not pass.
    fx = await startStreamFixture({ idleTimeoutMs: 5_000 + 2 * SCHEDULING_SLACK_MS });
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('fails at once with no_responders', async () => {
    const started = performance.now();
    const error = await thrownBy(() =>
      fx.client.collect(fx.subjects.chat('nobody-serves-this'), chatRequest(), {
        timeoutMs: 10_000 + 2 * SCHEDULING_SLACK_MS,
      }),
    );
    const elapsedMs = performance.now() - started;
    expect(error).toBeInstanceOf(SwitchyardError);
    expect((error as SwitchyardError).code).toBe('no_responders');
    expect((error as SwitchyardError).retryable).toBe(true);
    expect(elapsedMs).toBeLessThan(1_000 + SCHEDULING_SLACK_MS);
  });
});
