import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSimulator } from '../src/index.js';
import { postJson, startFastSimulator } from './support/http.js';

// LM Studio's error quirks (reference §2.1, §2.2).
describe('LM Studio errors', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startFastSimulator({ kind: 'lmstudio', models: ['qwen2.5-7b-instruct'] });
  });
  afterAll(() => sim.close());
  const messages = [{ role: 'user', content: 'Hi' }];

  it('answers unknown endpoints and methods with 200 and an error body', async () => {
    const root = await fetch(`${sim.url}/`);
    expect(root.status).toBe(200);
    expect(await root.json()).toEqual({ error: 'Unexpected endpoint or method. (GET /)' });
    const wrong = await postJson(`${sim.url}/chat/completions`, {});
    expect([wrong.status, await wrong.json()]).toEqual([
      200,
      { error: 'Unexpected endpoint or method. (POST /chat/completions)' },
    ]);
    const method = await fetch(`${sim.url}/v1/chat/completions`);
    expect(method.status).toBe(200);
  });

  it('answers an unknown model with 404 model_not_found listing the models', async () => {
    const response = await postJson(`${sim.url}/v1/chat/completions`, { model: 'nope', messages });
    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({
      type: 'invalid_request_error',
      param: 'model',
      code: 'model_not_found',
    });
    expect(body.error.message).toContain('qwen2.5-7b-instruct');
  });

  it('rejects json_object response formats and images on a text-only model', async () => {
    const json = await postJson(`${sim.url}/v1/chat/completions`, {
      model: 'qwen2.5-7b-instruct',
      messages,
      response_format: { type: 'json_object' },
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: { message: string } }).error.message).toBe(
      "'response_format.type' must be 'json_schema' or 'text'",
    );
    const image = await postJson(`${sim.url}/v1/chat/completions`, {
      model: 'qwen2.5-7b-instruct',
      messages: [
        {
          role: 'user',
          content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,aGk=' } }],
        },
      ],
    });
    expect(image.status).toBe(400);
  });
});
