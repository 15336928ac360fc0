import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { waitFor } from '@switchyard/testing';
import OpenAI from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'llama3.2:latest';
const messages = [{ role: 'user' as const, content: 'Hi' }];

// The HTTP request id travels in a NATS header to the worker, which logs every line about the
// request with it, so one id follows a request from the client to the backend call.
describe('request ids from the client to the worker logs', () => {
  let fleet: Fleet;
  let client: OpenAI;

  beforeAll(async () => {
    fleet = await startFleet({ workerLogLevel: 'debug' });
    client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  });
  afterAll(() => fleet?.close());

  const workerLines = (requestId: string) =>
    (fleet.workers[0]?.logs() ?? []).filter((line) => line['request_id'] === requestId);

  /** The worker's lines for a request, once it has logged the end of it. */
  async function linesOf(requestId: string): Promise<Record<string, unknown>[]> {
    await waitFor(() => workerLines(requestId).some((line) => line['msg'] === 'request done'), {
      timeoutMs: 5_000,
      description: `the worker to log the end of ${requestId}`,
    });
    return workerLines(requestId);
  }

  it("puts a client's safe x-request-id into every worker log line about the request", async () => {
    const { response } = await client.chat.completions
      .create(
        { model: MODEL, messages, max_tokens: 2 },
        { headers: { 'x-request-id': 'trace-me-42' } },
      )
      .withResponse();
    expect(response.headers.get('x-request-id')).toBe('trace-me-42');
    const lines = await linesOf('trace-me-42');
    expect(lines.map((line) => line['msg'])).toEqual(
      expect.arrayContaining(['request started', 'request done']),
    );
    // The protocol id is the gateway's own; every line that names it names the client's id too.
    const natsIds = new Set(lines.map((line) => line['nats_request_id']));
    expect(natsIds.size).toBe(1);
    const [natsId] = [...natsIds];
    expect(natsId).toEqual(expect.stringMatching(/^req_[0-9a-f]{24}-1$/));
    const aboutIt = (fleet.workers[0]?.logs() ?? []).filter(
      (line) => line['nats_request_id'] === natsId,
    );
    expect(aboutIt.every((line) => line['request_id'] === 'trace-me-42')).toBe(true);
  });

  it('replaces an unsafe x-request-id with its own, and the worker logs that one', async () => {
    const { response } = await client.chat.completions
      .create(
        { model: MODEL, messages, max_tokens: 2 },
        { headers: { 'x-request-id': 'no good!' } },
      )
      .withResponse();
    const given = response.headers.get('x-request-id') ?? '';
    expect(given).toMatch(/^req_[0-9a-f]{24}$/);
    expect((await linesOf(given)).length).toBeGreaterThanOrEqual(2);
    const logs = fleet.workers[0]?.logs() ?? [];
    expect(logs.some((line) => JSON.stringify(line).includes('no good!'))).toBe(false);
  });
});
