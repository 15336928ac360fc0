import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import { expectedEmbedding } from '@switchyard/backend-sim';
import OpenAI from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'all-minilm:latest';
const VLLM_EMBEDDER = 'BAAI/bge-small-en-v1.5';

describe('OpenAI embeddings through the gateway', () => {
  let fleet: Fleet;
  let client: OpenAI;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [{ kind: 'ollama' }, { kind: 'vllm', sim: { models: [VLLM_EMBEDDER] } }],
    });
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

  // A batch of thousands of vectors as float JSON is tens of megabytes of text: the gateway
  // writes it a vector at a time rather than build it whole.
  it('writes a large answer as it is made and a small one whole, with its length', async () => {
    const input = Array.from({ length: 200 }, (_, i) => `text ${i}`);
    const large = await postRaw(fleet.url, { model: MODEL, input, encoding_format: 'float' });
    expect(large.status).toBe(200);
    expect(large.headers.get('content-type')).toBe('application/json');
    expect(large.headers.get('content-length')).toBeNull();
    expect(large.headers.get('transfer-encoding')).toBe('chunked');
    const list = (await large.json()) as EmbeddingList;
    expect(list).toMatchObject({ object: 'list', model: MODEL, usage: { prompt_tokens: 400 } });
    expect(list.data.map((item) => item.index)).toEqual(input.map((_, i) => i));
    for (const i of [0, 199]) {
      expect(list.data[i]?.embedding).toEqual(
        Array.from(expectedEmbedding({ model: MODEL, text: `text ${i}` })),
      );
    }

    const small = await postRaw(fleet.url, {
      model: MODEL,
      input: 'one',
      encoding_format: 'float',
    });
    const text = await small.text();
    expect(small.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
    expect(JSON.parse(text)).toMatchObject({ object: 'list', data: [{ index: 0 }] });
  });

  it("embeds texts sent as the model's token ids on vLLM, and names input where none can", async () => {
    const texts = ['first text', 'second text'];
    const ids = await Promise.all(
      texts.map(async (text) => {
        const response = await fetch(`${fleet.sim('vllm').url}/tokenize`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model: VLLM_EMBEDDER, prompt: text }),
        });
        return ((await response.json()) as { tokens: number[] }).tokens;
      }),
    );
    const result = await client.embeddings.create({ model: VLLM_EMBEDDER, input: ids });
    result.data.forEach((item, i) => {
      expect(item.embedding).toEqual(
        Array.from(expectedEmbedding({ model: VLLM_EMBEDDER, text: texts[i] as string })),
      );
    });
    await expect(
      client.embeddings.create({ model: MODEL, input: ids[0] as number[] }),
    ).rejects.toMatchObject({ status: 400, param: 'input' });
  });
});

interface EmbeddingList {
  object: string;
  model: string;
  data: { index: number; embedding: number[] | string }[];
  usage: { prompt_tokens: number; total_tokens: number };
}

async function post(url: string, body: unknown): Promise<EmbeddingList> {
  const response = await postRaw(url, body);
  expect(response.status).toBe(200);
  return (await response.json()) as EmbeddingList;
}

function postRaw(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/v1/embeddings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}
