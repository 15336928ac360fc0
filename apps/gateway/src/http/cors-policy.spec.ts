import { describe, expect, it } from '@jest/globals';
import { DEFAULT_CORS_ORIGINS } from '@switchyard/contracts';
import { CorsPolicy } from './cors-policy.js';

describe('CorsPolicy', () => {
  it('lets in what Ollama lets in by default, and nothing else', () => {
    const policy = new CorsPolicy(DEFAULT_CORS_ORIGINS);
    for (const origin of [
      'http://localhost',
      'http://localhost:3000',
      'https://127.0.0.1:8443',
      'http://0.0.0.0:8080',
      'app://obsidian.md',
      'vscode-webview://1abc',
      'tauri://localhost',
    ]) {
      expect([origin, policy.allows(origin)]).toEqual([origin, true]);
    }
    for (const origin of [
      'https://evil.example',
      'http://localhost.evil.example',
      'http://127.0.0.1.nip.io',
      'null',
    ]) {
      expect([origin, policy.allows(origin)]).toEqual([origin, false]);
    }
  });

  it('reads * as any origin, and as any run of characters inside a pattern', () => {
    expect(new CorsPolicy(['*']).allows('https://evil.example')).toBe(true);
    const policy = new CorsPolicy(['https://*.example.com']);
    expect(policy.allows('https://chat.example.com')).toBe(true);
    expect(policy.allows('https://example.com')).toBe(false);
    // A dot in a pattern is a dot, not any character.
    expect(policy.allows('https://chatXexample.com')).toBe(false);
  });

  it('answers a preflight with what it asked for, and an answer with what the page may read', () => {
    const policy = new CorsPolicy(['http://localhost:*']);
    const origin = 'http://localhost:5173';
    expect(
      policy.decide({
        origin,
        method: 'OPTIONS',
        preflightMethod: 'POST',
        preflightHeaders: 'x-api-key',
      }),
    ).toMatchObject({
      type: 'preflight',
      headers: {
        'access-control-allow-origin': origin,
        'access-control-allow-headers': 'x-api-key',
      },
    });
    const allowed = policy.decide({
      origin,
      method: 'POST',
      preflightMethod: undefined,
      preflightHeaders: undefined,
    });
    expect(allowed.type).toBe('allowed');
    const refused = policy.decide({
      origin: 'http://elsewhere',
      method: 'GET',
      preflightMethod: undefined,
      preflightHeaders: undefined,
    });
    expect(refused).toMatchObject({ type: 'refused', error: { code: 'forbidden' } });
  });
});
