import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { encodeMessage, SwitchyardError, type ReplyFrame } from '@switchyard/contracts';
import {
  chatRequest,
  startStreamFixture,
  thrownBy,
  type StreamFixture,
} from './support/stream-fixture.js';

// Hand-written responders on plain NATS, breaking the protocol the way a lossy path or a buggy
// worker would; the client must notice.
const start = (requestId: string): ReplyFrame => ({
  type: 'start',
  seq: 0,
  request_id: requestId,
  worker: 'raw',
  kind: 'ollama',
  backend: 'ollama-1',
  cancel: `switchyard.v1.cancel.${requestId}`,
});

const scripts: Record<string, (requestId: string) => ReplyFrame[]> = {
  gap: (id) => [
    start(id),
    { type: 'delta', seq: 1, text: 'a' },
    { type: 'delta', seq: 3, text: 'c' },
  ],
  'no-start': () => [{ type: 'delta', seq: 0, text: 'a' }],
  'second-start': (id) => [start(id), { ...start(id), seq: 1 }],
  'wrong-request': () => [start('someone-else')],
};

/** How long the client asks for a lost frame (its outage wait) before it gives up. */
const GAP_WAIT_MS = 1_000;

describe('the client checks the reply stream', () => {
  let fx: StreamFixture;
  const cancelled: string[] = [];

  beforeAll(async () => {
    fx = await startStreamFixture({ clientOutageWaitMs: GAP_WAIT_MS });
    for (const [name, script] of Object.entries(scripts)) {
      fx.serverNc.subscribe(fx.subjects.chat(name), {
        callback: (_error, msg) => {
          const { id } = msg.json<{ id: string }>();
          for (const frame of script(id)) msg.respond(encodeMessage(frame));
        },
      });
    }
    fx.serverNc.subscribe(fx.subjects.cancelWildcard, {
      callback: (_error, msg) => void cancelled.push(msg.subject),
    });
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  const call = (model: string, id = chatRequest().id) =>
    thrownBy(() =>
      fx.client.collect(fx.subjects.chat(model), chatRequest({ id }), {
        timeoutMs: 2_000 + SCHEDULING_SLACK_MS,
      }),
    );

  it('a lost frame (a seq gap) not sent again is stream_interrupted, and the worker is told to stop', async () => {
    const id = chatRequest().id;
    const error = (await call('gap', id)) as SwitchyardError;
    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error.code).toBe('stream_interrupted');
    expect(error.message).toMatch(
      /^frame 2 was lost; asked for the frames again for \d+ ms and they did not come$/,
    );
    await fx.clientNc.flush();
    await fx.serverNc.flush();
    expect(cancelled).toContain(fx.subjects.cancel(id));
  });

  it.each([
    ['no start frame', 'no-start', /a delta frame arrived as frame 0/],
    ['a second start frame', 'second-start', /a start frame arrived as frame 1/],
    ["another request's start frame", 'wrong-request', /names request someone-else/],
  ])('%s is a protocol violation', async (_case, model, message) => {
    const error = (await call(model)) as SwitchyardError;
    expect(error.code).toBe('internal');
    expect(error.message).toMatch(message);
  });
});
