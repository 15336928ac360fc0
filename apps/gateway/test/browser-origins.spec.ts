import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import { sha256Hex } from '../src/auth/api-key.policy.js';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

// Browsers: pages on this machine may call the gateway (Ollama's default origins); a page
// anywhere else may not, not even with a "simple" request that needs no preflight.

const KEY = 'sk-switchyard-browser-key';
const MODEL = 'llama3.2:latest';
const LOCAL_PAGE = 'http://localhost:5173';
const FOREIGN_PAGE = 'https://evil.example';

describe('requests from browsers (CORS)', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [{ kind: 'ollama' }],
      gateway: { api_key_hashes: [sha256Hex(KEY)] },
      apiKey: KEY,
    });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('answers the preflight of a page on this machine before asking for a key', async () => {
    const response = await fetch(`${fleet.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: {
        origin: LOCAL_PAGE,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(LOCAL_PAGE);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe(
      'authorization, content-type',
    );
    expect(response.headers.get('vary')).toContain('Origin');
  });

  it('lets the page read the answer, streamed or not, and still asks for the key', async () => {
    const chat = (stream: boolean, key?: string) =>
      fetch(`${fleet.url}/api/chat`, {
        method: 'POST',
        headers: { origin: LOCAL_PAGE, ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({
          model: MODEL,
          messages: [{ role: 'user', content: 'Hi' }],
          stream,
          options: { num_predict: 2 },
        }),
      });
    const whole = await chat(false, KEY);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('access-control-allow-origin')).toBe(LOCAL_PAGE);
    expect(whole.headers.get('access-control-expose-headers')).toContain('x-request-id');
    await whole.json();
    const streamed = await chat(true, KEY);
    expect(streamed.status).toBe(200);
    expect(streamed.headers.get('access-control-allow-origin')).toBe(LOCAL_PAGE);
    await streamed.text();
    const keyless = await chat(false);
    expect(keyless.status).toBe(401);
  });

  it('refuses a page elsewhere with 403 naming the setting, and sends its work nowhere', async () => {
    const before = fleet.sim('ollama').stats().received;
    // text/plain needs no preflight: a browser would send it as it is.
    const simple = await fetch(`${fleet.url}/api/chat`, {
      method: 'POST',
      headers: {
        origin: FOREIGN_PAGE,
        'content-type': 'text/plain',
        authorization: `Bearer ${KEY}`,
      },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] }),
    });
    expect(simple.status).toBe(403);
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    expect(await simple.json()).toEqual({
      error: `requests from the origin ${FOREIGN_PAGE} are not allowed: add it to gateway.cors_origins`,
    });
    const preflight = await fetch(`${fleet.url}/v1/models`, {
      method: 'OPTIONS',
      headers: { origin: FOREIGN_PAGE, 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(403);
    expect(fleet.sim('ollama').stats().received).toBe(before);
  });
});
