import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSimulator } from '../src/index.js';
import { postJson, startFastSimulator } from './support/http.js';

// vLLM's errors (reference §3.6): the post-0.10.1 envelope with an integer code, a plain
// {"error":"Unauthorized"} from --api-key on /v1 only, FastAPI's {"detail"} for unknown paths.
describe('vLLM errors', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startFastSimulator({
      kind: 'vllm',
      models: ['my-model'],
      apiKey: 'sk-test',
      contextLength: 64,
    });
  });
  afterAll(() => sim.close());
  const auth = { authorization: 'Bearer sk-test' };
  const messages = [{ role: 'user', content: 'Hi' }];

  it('guards /v1 with the API key, and only /v1', async () => {
    const denied = await postJson(`${sim.url}/v1/chat/completions`, {
      model: 'my-model',
      messages,
    });
    expect([denied.status, await denied.json()]).toEqual([401, { error: 'Unauthorized' }]);
    const wrong = await fetch(`${sim.url}/v1/models`, {
      headers: { authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${sim.url}/v1/models`, { headers: auth })).status).toBe(200);
    expect((await fetch(`${sim.url}/health`)).status).toBe(200);
    expect((await fetch(`${sim.url}/metrics`)).status).toBe(200);
  });

  it('answers an unknown model with 404 NotFoundError', async () => {
    const response = await postJson(
      `${sim.url}/v1/chat/completions`,
      { model: 'foo', messages },
      { headers: auth },
    );
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        message: 'The model `foo` does not exist.',
        type: 'NotFoundError',
        param: null,
        code: 404,
      },
    });
  });

  it('answers a context overflow with 400 BadRequestError', async () => {
    const response = await postJson(
      `${sim.url}/v1/chat/completions`,
      { model: 'my-model', messages, max_tokens: 100 },
      { headers: auth },
    );
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ type: 'BadRequestError', code: 400 });
    expect(body.error.message).toMatch(
      /^This model's maximum context length is 64 tokens\. However, you requested 10[0-9] tokens/,
    );
  });

  it('refuses continuing the last message while opening a new turn, and takes a prefill', async () => {
    const prefill = [...messages, { role: 'assistant', content: 'Hello' }];
    const post = (fields: Record<string, unknown>) =>
      postJson(
        `${sim.url}/v1/chat/completions`,
        Object.assign({ model: 'my-model', messages: prefill, max_tokens: 4 }, fields),
        { headers: auth },
      );
    const both = await post({ continue_final_message: true });
    expect(both.status).toBe(400);
    expect(((await both.json()) as { error: { message: string } }).error.message).toBe(
      'Cannot set both `continue_final_message` and `add_generation_prompt` to True.',
    );
    const continued = await post({ continue_final_message: true, add_generation_prompt: false });
    expect(continued.status).toBe(200);
  });

  it('refuses non-JSON bodies, images on a text model, and unknown paths the FastAPI way', async () => {
    const text = await fetch(`${sim.url}/v1/chat/completions`, {
      method: 'POST',
      headers: auth,
      body: '{}',
    });
    expect(text.status).toBe(415);
    expect(await text.json()).toMatchObject({
      error: { type: 'Unsupported Media Type', code: 415 },
    });
    const image = await postJson(
      `${sim.url}/v1/chat/completions`,
      {
        model: 'my-model',
        messages: [
          {
            role: 'user',
            content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,aGk=' } }],
          },
        ],
      },
      { headers: auth },
    );
    expect([
      image.status,
      ((await image.json()) as { error: { message: string } }).error.message,
    ]).toEqual([400, 'my-model is not a multimodal model']);
    const missing = await fetch(`${sim.url}/nothing`);
    expect([missing.status, await missing.json()]).toEqual([404, { detail: 'Not Found' }]);
    const method = await fetch(`${sim.url}/health`, { method: 'DELETE' });
    expect([method.status, await method.json()]).toEqual([405, { detail: 'Method Not Allowed' }]);
  });
});
