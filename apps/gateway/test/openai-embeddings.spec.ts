import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import { expectedEmbedding } from '@switchyard/backend-sim';
import OpenAI from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'all-minilm:latest';

describe('OpenAI embeddings through the gateway', () => {
  let fleet: Fleet;
  let client: OpenAI;

  beforeAll(async () => {
    fleet = await startFleet({ backends: [{ kind: 'ollama' }] });
    client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('embeds an array with the SDK default (base64 on the wire), in input order', async () => {
    const input = ['first text', 'second text', 'third'];
    const result = await client.embeddings.create({ model: MODEL, input });
    expect(result.data.map((item) => item.index)).toEqual([0, 1, 2]);
    result.data.forEach((item, i) => {
      expect(item.embedding).toEqual(
        Array.from(expectedEmbedding({ model: MODEL, text: input[i] as string })),
      );
    });
    expect(result.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it('answers floats for encoding_format float and passes base64 through, with dimensions', async () => {
    const body = { model: MODEL, input: 'one string', dimensions: 64 };
    const expected = expectedEmbedding({ model: MODEL, text: 'one string', dimensions: 64 });
    const asFloat = await post(fleet.url, { ...body, encoding_format: 'float' });
    expect(asFloat.data[0]?.embedding).toEqual(Array.from(expected));
    const asBase64 = await post(fleet.url, { ...body, encoding_format: 'base64' });
    expect(asBase64.data[0]?.embedding).toBe(Buffer.from(expected.buffer).toString('base64'));
  });
});

async function post(
  url: string,
  body: unknown,
): Promise<{ data: { embedding: number[] | string }[] }> {
  const response = await fetch(`${url}/v1/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { data: { embedding: number[] | string }[] };
}
