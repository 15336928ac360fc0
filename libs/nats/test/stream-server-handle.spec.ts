import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { chatRequestSchema, SwitchyardError } from '@switchyard/contracts';
import type { StreamHandler } from '../src/index.js';
import {
  chatRequest,
  startStreamFixture,
  thrownBy,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

describe('StreamServer.handle on a subscription of its own', () => {
  let fx: StreamFixture;

  beforeAll(async () => {
    fx = await startStreamFixture();
    const handler: StreamHandler<{ id: string }> = (request, ctx) => {
      ctx.start({ kind: 'ollama', backend: 'ollama-1' });
      ctx.send({ type: 'delta', text: `handled ${request.id}` });
      return { finish_reason: 'stop', usage };
    };
    // As a NATS micro service endpoint would deliver them.
    fx.serverNc.subscribe(fx.subjects.chat('own'), {
      callback: (_error, msg) => fx.server.handle(msg, { schema: chatRequestSchema }, handler),
    });
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('serves the request like serve() does, and refuses retryably once stopped', async () => {
    const request = chatRequest();
    const result = await fx.client.collect(fx.subjects.chat('own'), request, {
      timeoutMs: 5_000 + SCHEDULING_SLACK_MS,
    });
    expect(result.text).toBe(`handled ${request.id}`);
    expect(result.start.worker).toBe('worker-1');

    await fx.server.stop({ graceMs: 0 });
    const error = (await thrownBy(() =>
      fx.client.collect(fx.subjects.chat('own'), chatRequest(), {
        timeoutMs: 5_000 + SCHEDULING_SLACK_MS,
      }),
    )) as SwitchyardError;
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error.code).toBe('overloaded');
    expect(error.retryable).toBe(true);
  });
});
