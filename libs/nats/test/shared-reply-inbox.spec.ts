import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chatRequestSchema } from '@switchyard/contracts';
import { getMonitoringJson } from '@switchyard/testing';
import {
  chatRequest,
  startStreamFixture,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

interface Connz {
  connections: { name?: string; subscriptions_list?: string[] }[];
}

// Every reply stream of a client shares one inbox subscription: no SUB and UNSUB per request.
describe('reply streams of one client', () => {
  let fx: StreamFixture;

  beforeAll(async () => {
    fx = await startStreamFixture();
    fx.server.serve(fx.subjects.chat('echo'), { schema: chatRequestSchema }, async (_r, ctx) => {
      ctx.start({ kind: 'ollama', backend: 'ollama-1' });
      ctx.send({ type: 'delta', text: ctx.requestId });
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { finish_reason: 'stop', usage };
    });
    await fx.serverNc.flush();
  });

  afterAll(async () => {
    await fx?.close();
  });

  it('each get their own answer, through one subscription of the connection', async () => {
    const requests = Array.from({ length: 20 }, () => chatRequest());
    const calls = requests.map((request) =>
      fx.client.collect(fx.subjects.chat('echo'), request, { timeoutMs: 10_000 }),
    );
    await fx.clientNc.flush();
    const during = await getMonitoringJson<Connz>(`${fx.nats.monitorUrl}/connz?subs=1`);
    const results = await Promise.all(calls);
    results.forEach((result, i) => expect(result.text).toBe(requests[i]?.id));

    const caller = during.connections.find((connection) => connection.name === 'test-caller');
    // Twenty streams open at once, one subscription: the inbox wildcard.
    expect(caller?.subscriptions_list).toHaveLength(1);
    expect(caller?.subscriptions_list?.[0]).toMatch(/^_INBOX\.[A-Za-z0-9]+\.\*$/);
  });
});
