import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import fc from 'fast-check';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const CHAT_MODEL = 'llama3.2:latest';
const EMBEDDER = 'all-minilm:latest';

/** Each POST route, the model it is meant for, and a valid body to mutate. */
const ROUTES: { path: string; model: string; valid: Record<string, unknown> }[] = [
  {
    path: '/v1/chat/completions',
    model: CHAT_MODEL,
    valid: { messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 },
  },
  { path: '/v1/completions', model: CHAT_MODEL, valid: { prompt: 'hi', max_tokens: 3 } },
  {
    path: '/v1/messages',
    model: CHAT_MODEL,
    valid: { system: 'Be brief.', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3 },
  },
  {
    path: '/v1/responses',
    model: CHAT_MODEL,
    valid: {
      instructions: 'Be brief.',
      input: [{ role: 'user', content: 'hi' }],
      max_output_tokens: 3,
    },
  },
  { path: '/v1/embeddings', model: EMBEDDER, valid: { input: ['a', 'b'] } },
  {
    path: '/api/chat',
    model: CHAT_MODEL,
    valid: { messages: [{ role: 'user', content: 'hi' }], options: { num_predict: 3 } },
  },
  {
    path: '/api/generate',
    model: CHAT_MODEL,
    valid: { prompt: 'hi', options: { num_predict: 3 } },
  },
  { path: '/api/embed', model: EMBEDDER, valid: { input: 'a' } },
  { path: '/api/embeddings', model: EMBEDDER, valid: { prompt: 'a' } },
  { path: '/api/show', model: CHAT_MODEL, valid: {} },
  { path: '/api/copy', model: CHAT_MODEL, valid: { source: CHAT_MODEL, destination: 'fuzz:copy' } },
];

const FIELDS = [
  'model',
  'messages',
  'prompt',
  'input',
  'stream',
  'max_tokens',
  'temperature',
  'stop',
  'tools',
  'tool_choice',
  'response_format',
  'stream_options',
  'encoding_format',
  'dimensions',
  'n',
  'options',
  'format',
  'images',
  'think',
  'keep_alive',
  'suffix',
  'seed',
  'top_p',
  'source',
  'destination',
  'instructions',
  'max_output_tokens',
  'include',
  'text',
  'reasoning',
  'top_logprobs',
  'previous_response_id',
  'system',
  'stop_sequences',
  'thinking',
  'top_k',
  'output_config',
];

/** A field value: sometimes sensible, often not. */
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(CHAT_MODEL, EMBEDDER, '', '*', '>', 'a.b', -1, 0, 1e12, true, null, []),
  fc.array(
    fc.record({
      role: fc.constantFrom('user', 'tool', 'robot'),
      content: fc.jsonValue({ maxDepth: 2 }),
    }),
    { maxLength: 3 },
  ),
  // Anthropic messages with content blocks, of the types it takes and of others.
  fc.array(
    fc.record({
      role: fc.constantFrom('user', 'assistant', 'system'),
      clear_at: fc.jsonValue({ maxDepth: 1 }),
      content: fc.array(
        fc.record({
          type: fc.constantFrom('text', 'image', 'tool_use', 'tool_result', 'thinking', 'x'),
          text: fc.jsonValue({ maxDepth: 1 }),
          id: fc.constantFrom('t1', ''),
          tool_use_id: fc.constantFrom('t1', ''),
          input: fc.jsonValue({ maxDepth: 2 }),
          content: fc.jsonValue({ maxDepth: 2 }),
          source: fc.jsonValue({ maxDepth: 2 }),
        }),
        { maxLength: 3 },
      ),
    }),
    { maxLength: 3 },
  ),
  // Responses API tools: functions, namespaces of them, hosted tools.
  fc.array(
    fc.record({
      type: fc.constantFrom('function', 'namespace', 'web_search', 'file_search', 'x'),
      name: fc.constantFrom('f', ''),
      tools: fc.jsonValue({ maxDepth: 2 }),
      parameters: fc.jsonValue({ maxDepth: 2 }),
    }),
    { maxLength: 3 },
  ),
  // Responses API input items, of the types it takes and of others.
  fc.array(
    fc.record({
      type: fc.constantFrom('message', 'function_call', 'function_call_output', 'reasoning', 'x'),
      role: fc.constantFrom('user', 'assistant'),
      call_id: fc.constantFrom('c1', ''),
      name: fc.constantFrom('f', ''),
      namespace: fc.jsonValue({ maxDepth: 1 }),
      arguments: fc.jsonValue({ maxDepth: 1 }),
      output: fc.jsonValue({ maxDepth: 2 }),
      content: fc.jsonValue({ maxDepth: 2 }),
    }),
    { maxLength: 3 },
  ),
);

describe('request bodies from careless or hostile clients', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    // Discovery keeps the registry /api/copy finds the backend in.
    fleet = await startFleet({ backends: [{ kind: 'ollama' }], discovery: true });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('get 4xx with a message (or an answer), never a 5xx, a crash or a hang', async () => {
    const body = fc.oneof(
      // Anything at all, JSON or not.
      fc.jsonValue({ maxDepth: 3 }).map((json) => JSON.stringify(json)),
      fc.string({ maxLength: 40 }),
      // A valid body with fields replaced or added.
      fc
        .tuple(
          fc.nat(ROUTES.length - 1),
          fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 4 }),
        )
        .map(([route, changes]) => {
          const { model, valid } = ROUTES[route] as (typeof ROUTES)[number];
          return JSON.stringify({ model, ...valid, ...changes });
        }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES.map((route) => route.path)),
        body,
        async (path, text) => {
          const response = await fetch(`${fleet.url}${path}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: text,
            signal: AbortSignal.timeout(5_000),
          });
          const reply = await response.text();
          expect(response.status).toBeLessThan(500);
          if (response.status >= 400) {
            const parsed = JSON.parse(reply) as { error: string | { message: string } };
            const message = typeof parsed.error === 'string' ? parsed.error : parsed.error.message;
            expect(message.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 300, seed: 42 },
    );
    // The gateway is still healthy afterwards.
    expect((await fetch(`${fleet.url}/healthz`)).status).toBe(200);
  });

  it('refuses JSON nested deeper than the gateway reads with 400 naming the nesting', async () => {
    const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
    for (const path of ['/v1/chat/completions', '/api/chat']) {
      const response = await fetch(`${fleet.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"model":"llama3.2:latest","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"x":${deep(20_000)}}}}]}`,
      });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain('nested deeper than');
    }
    expect((await fetch(`${fleet.url}/healthz`)).status).toBe(200);
  });
});
