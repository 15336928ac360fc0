import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chatRequestSchema, SwitchyardError } from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS, sleep, waitFor } from '@switchyard/testing';
import {
  chatRequest,
  startStreamFixture,
  thrownBy,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

describe('stopping a stream server', () => {
  let fx: StreamFixture;

  beforeAll(async () => {
    fx = await startStreamFixture({ heartbeatIntervalMs: 50 });
    fx.server.serve(
      fx.subjects.chat('quick'),
      { schema: chatRequestSchema },
      async (_request, ctx) => {
        ctx.start({ kind: 'ollama', backend: 'ollama-1' });
        await sleep(150);
        return { finish_reason: 'stop', usage };
      },
    );
    fx.server.serve(
      fx.subjects.chat('endless'),
      { schema: chatRequestSchema },
      async (_request, ctx) => {
        ctx.start({ kind: 'ollama', backend: 'ollama-1' });
        await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        throw ctx.signal.reason;
      },
    );
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('lets requests finish within the grace period, ends the rest overloaded, then takes no more', async () => {
    const call = (model: string) =>
      fx.client.collect(fx.subjects.chat(model), chatRequest(), {
        timeoutMs: 5_000 + 2 * SCHEDULING_SLACK_MS,
      });
    const quick = call('quick');
    const endless = thrownBy(() => call('endless'));
    await waitFor(() => fx.server.inFlight === 2, { description: 'both requests to arrive' });

    // The quick request needs 150 ms of the grace; a loaded machine may stretch that by the slack.
    const stopped = fx.server.stop({ graceMs: 400 + SCHEDULING_SLACK_MS });
    await expect(quick).resolves.toMatchObject({ end: { finish_reason: 'stop' } });
    const error = (await endless) as SwitchyardError;
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error.code).toBe('overloaded');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/shut down/);
    await stopped;
    expect(fx.server.inFlight).toBe(0);

    const after = (await thrownBy(() => call('quick'))) as SwitchyardError;
    expect(after.code).toBe('no_responders');
  });
});

// A service stops its stream server, then drains its NATS connection at once: whatever a handler
// that returned in the last turn still held must be out by then.
describe('a stream server stopped as its last handler returns', () => {
  let fx: StreamFixture;
  let finish: () => void = () => undefined;

  beforeAll(async () => {
    fx = await startStreamFixture({ heartbeatIntervalMs: 60_000 });
    const finished = new Promise<void>((resolve) => (finish = resolve));
    fx.server.serve(fx.subjects.chat('last'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'ollama', backend: 'ollama-1' });
      await finished;
      ctx.send({ type: 'delta', text: 'the last words' });
      return { finish_reason: 'stop', usage };
    });
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('sends its last frames before the connection drains', async () => {
    const answer = fx.client.collect(fx.subjects.chat('last'), chatRequest(), {
      timeoutMs: 5_000 + SCHEDULING_SLACK_MS,
    });
    await waitFor(() => fx.server.inFlight === 1, { description: 'the request to arrive' });
    const stopped = fx.server.stop({ graceMs: 5_000 });
    finish();
    await stopped;
    await fx.serverNc.drain();
    await expect(answer).resolves.toMatchObject({
      text: 'the last words',
      end: { finish_reason: 'stop' },
    });
  });
});
