import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:http';
import type { RunningSimulator } from '../src/index.js';
import { parseSse, postJson, readNdjson, startFastSimulator } from './support/http.js';

/** The raw body of a request, and whether the connection broke before the message ended. */
function rawPost(url: string, body: unknown): Promise<{ text: string; broken: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ text, broken: false }));
        res.on('aborted', () => resolve({ text, broken: true }));
        res.on('error', () => resolve({ text, broken: true }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

// Faults inside a stream: a dropped connection, the kind's in-band error, a malformed chunk,
// slow tokens.
describe('mid-stream faults', () => {
  let ollama: RunningSimulator;
  let vllm: RunningSimulator;
  beforeAll(async () => {
    [ollama, vllm] = await Promise.all([
      startFastSimulator({ kind: 'ollama', models: ['m'] }),
      startFastSimulator({ kind: 'vllm', models: ['m'] }),
    ]);
  });
  afterAll(() => Promise.all([ollama.close(), vllm.close()]));
  const chat = { model: 'm', messages: [{ role: 'user', content: 'x' }] };

  it('drops the connection after N tokens', async () => {
    ollama.setFaults({ dropAfterTokens: 3 });
    const { text, broken } = await rawPost(`${ollama.url}/api/chat`, chat);
    expect(broken).toBe(true);
    expect(text.trim().split('\n')).toHaveLength(3);
    expect(ollama.stats().failed).toBe(1);
    ollama.clearFaults();
  });

  it("ends the stream with the kind's in-band error after N tokens", async () => {
    ollama.setFaults({ errorAfterTokens: 2 });
    const lines = await readNdjson(await postJson(`${ollama.url}/api/chat`, chat));
    expect(lines).toHaveLength(3);
    expect(lines[2]).toEqual({ error: expect.any(String) });
    ollama.clearFaults();

    vllm.setFaults({ errorAfterTokens: 1 });
    const response = await postJson(`${vllm.url}/v1/chat/completions`, { ...chat, stream: true });
    expect(response.status).toBe(200);
    const events = parseSse(await response.text());
    expect(events.slice(-2)).toEqual([
      {
        error: { message: expect.any(String), type: 'InternalServerError', param: null, code: 500 },
      },
      '[DONE]',
    ]);
    vllm.clearFaults();
  });

  it('sends one malformed chunk and carries on', async () => {
    vllm.setFaults({ malformedAfterTokens: 2 });
    const text = await (
      await postJson(`${vllm.url}/v1/chat/completions`, { ...chat, stream: true })
    ).text();
    expect(() => parseSse(text)).toThrow();
    expect(text.endsWith('data: [DONE]\n\n')).toBe(true);
    vllm.clearFaults();
  });

  it('slows tokens down with tokenDelayMs', async () => {
    ollama.setFaults({ tokenDelayMs: 20 });
    const started = Date.now();
    await readNdjson(await postJson(`${ollama.url}/api/chat`, chat));
    expect(Date.now() - started).toBeGreaterThanOrEqual(15 * 20);
    ollama.clearFaults();
  });
});
