import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'llama3.2:latest';
/** The simulator's delay before the first token: the backend's share of time to first token. */
const BACKEND_TTFT_MS = 400;
const OVERHEAD = 'x-switchyard-overhead-ms';

// The overhead header: the whole overhead on whole answers; on streams, whose headers go out with
// the first token, the overhead up to it (the gateway's time to first token minus the backend's).
describe('the gateway overhead header', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [{ kind: 'ollama', sim: { ttftMs: BACKEND_TTFT_MS, tokensPerSecond: 0 } }],
    });
  });
  afterAll(() => fleet?.close());

  /** Posts `body`, returning the overhead header and how long the headers took to arrive. */
  async function timed(path: string, body: unknown) {
    const started = performance.now();
    const response = await fetch(`${fleet.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const headersAfterMs = performance.now() - started;
    const text = await response.text();
    return {
      status: response.status,
      overhead: response.headers.get(OVERHEAD),
      headersAfterMs,
      text,
    };
  }

  // The client waited for the headers at least the backend's time to first token plus the
  // gateway's overhead, so an overhead that still counted the backend's time would not fit.
  const backendTimeSubtracted = (overhead: number, headersAfterMs: number) =>
    overhead >= 0 && overhead <= headersAfterMs - BACKEND_TTFT_MS;

  it('is on streamed OpenAI (SSE) and Ollama (NDJSON) answers, without the backend time', async () => {
    const messages = [{ role: 'user', content: 'Hi' }];
    const sse = await timed('/v1/chat/completions', { model: MODEL, messages, stream: true });
    expect(sse.status).toBe(200);
    expect(sse.text).toContain('data: [DONE]');
    expect(sse.overhead).toMatch(/^\d+\.\d$/);
    expect(backendTimeSubtracted(Number(sse.overhead), sse.headersAfterMs)).toBe(true);
    const ndjson = await timed('/api/generate', { model: MODEL, prompt: 'Hi' });
    expect(ndjson.text).toContain('"done":true');
    expect(ndjson.overhead).toMatch(/^\d+\.\d$/);
    expect(backendTimeSubtracted(Number(ndjson.overhead), ndjson.headersAfterMs)).toBe(true);
  });

  it('is on whole answers too, without the backend time', async () => {
    const messages = [{ role: 'user', content: 'Hi' }];
    const whole = await timed('/v1/chat/completions', { model: MODEL, messages });
    expect(whole.status).toBe(200);
    expect(whole.overhead).toMatch(/^\d+\.\d$/);
    expect(backendTimeSubtracted(Number(whole.overhead), whole.headersAfterMs)).toBe(true);
  });
});
