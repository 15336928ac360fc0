import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { SwitchyardError } from '@switchyard/contracts';
import { PROCESS_HOOK_TIMEOUT_MS, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import {
  chatRequest,
  startStreamFixture,
  thrownBy,
  type StreamFixture,
} from './support/stream-fixture.js';

// The responder (a process of its own) heartbeats every 100 ms; on a loaded machine a beat can
// be held up by the slack, which must not pass for a dead responder.
const IDLE_TIMEOUT_MS = 600 + SCHEDULING_SLACK_MS;
const responderScript = fileURLToPath(new URL('./fixtures/endless-responder.mjs', import.meta.url));

describe('a responder killed mid-stream', () => {
  let fx: StreamFixture;
  let child: ChildProcessByStdio<null, Readable, null> | undefined;

  beforeAll(async () => {
    fx = await startStreamFixture({ idleTimeoutMs: IDLE_TIMEOUT_MS });
    const responder = spawn(
      process.execPath,
      [responderScript, fx.nats.url, fx.subjects.chat('doomed')],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    child = responder;
    const [chunk] = (await Promise.race([
      once(responder.stdout, 'data'),
      once(responder, 'exit').then(() => {
        throw new Error('the responder exited before it was ready');
      }),
    ])) as [Buffer];
    expect(chunk.toString()).toContain('ready');
  }, PROCESS_HOOK_TIMEOUT_MS);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await fx?.close();
  });

  it('makes the caller fail with stream_interrupted within the idle timeout', async () => {
    let deltas = 0;
    let killedAt = 0;
    const error = await thrownBy(async () => {
      for await (const frame of fx.client.stream(fx.subjects.chat('doomed'), chatRequest(), {
        timeoutMs: 30_000,
      })) {
        if (frame.type === 'delta' && ++deltas === 3) {
          child?.kill('SIGKILL');
          killedAt = performance.now();
        }
      }
    });
    const elapsedMs = performance.now() - killedAt;
    expect(error).toBeInstanceOf(SwitchyardError);
    expect((error as SwitchyardError).code).toBe('stream_interrupted');
    expect((error as SwitchyardError).message).toMatch(/went quiet/);
    expect(elapsedMs).toBeLessThan(IDLE_TIMEOUT_MS + SCHEDULING_SLACK_MS);
  });
});
