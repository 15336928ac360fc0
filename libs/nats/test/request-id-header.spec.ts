import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chatRequestSchema, REQUEST_ID_HEADER } from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS } from '@switchyard/testing';
import type { NatsLogger } from '../src/index.js';
import {
  chatRequest,
  startStreamFixture,
  usage,
  type StreamFixture,
} from './support/stream-fixture.js';

/** Every line logged, with its fields. */
function fieldLogger(): NatsLogger & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const record = (fields: object, msg?: string) => lines.push({ ...fields, msg });
  return { lines, debug: record, info: record, warn: record, error: record };
}

// The caller's request id travels in a NATS header; the handler's logger carries it.
describe('the request id header', () => {
  let fx: StreamFixture;
  const logger = fieldLogger();

  beforeAll(async () => {
    fx = await startStreamFixture({ serverLogger: logger });
    fx.server.serve(fx.subjects.chat('logged'), { schema: chatRequestSchema }, (_request, ctx) => {
      ctx.start({ kind: 'ollama', backend: 'ollama-1' });
      ctx.log.info({ step: 'working' }, 'handling');
      return { finish_reason: 'stop', usage };
    });
    await fx.serverNc.flush();
  });
  afterAll(() => fx?.close());

  const call = async (headers?: Record<string, string>) => {
    const request = chatRequest();
    await fx.client.collect(fx.subjects.chat('logged'), request, {
      timeoutMs: 5_000 + SCHEDULING_SLACK_MS,
      ...(headers === undefined ? {} : { headers }),
    });
    return logger.lines.filter((line) => line['msg'] === 'handling').at(-1);
  };

  it("logs the header's id as request_id and the body's id beside it", async () => {
    const line = await call({ [REQUEST_ID_HEADER]: 'http-req-7' });
    expect(line).toMatchObject({
      step: 'working',
      request_id: 'http-req-7',
      nats_request_id: expect.any(String),
    });
  });

  it("logs the body's id without a header, or with one that is not a safe id", async () => {
    for (const headers of [undefined, { [REQUEST_ID_HEADER]: 'has space' }]) {
      const line = await call(headers);
      expect(line?.['request_id']).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]+$/));
      expect(line?.['request_id']).not.toBe('has space');
      expect(line).not.toHaveProperty('nats_request_id');
    }
  });
});
