import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSimulator } from '../src/index.js';
import { postJson, startFastSimulator } from './support/http.js';

// Ollama's error shapes (reference §1.1, §1.7): `{"error":"…"}` on the native API, gin's text
// pages for unknown paths and wrong methods.
describe('Ollama errors', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startFastSimulator({
      kind: 'ollama',
      models: ['llama3.2', 'all-minilm', 'llava:7b'],
    });
  });
  afterAll(() => sim.close());

  const expectError = async (response: Response, status: number, error: string) => {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error });
  };

  it('answers 404 model not found in the wording of each path', async () => {
    await expectError(
      await postJson(`${sim.url}/api/chat`, { model: 'nope', messages: [] }),
      404,
      "model 'nope' not found",
    );
    await expectError(
      await postJson(`${sim.url}/api/generate`, { model: 'nope' }),
      404,
      "model 'nope' not found",
    );
    await expectError(
      await postJson(`${sim.url}/api/show`, { model: 'nope' }),
      404,
      "model 'nope' not found",
    );
    await expectError(
      await postJson(`${sim.url}/api/embeddings`, { model: 'nope', prompt: 'x' }),
      404,
      'model "nope" not found, try pulling it first',
    );
    await expectError(
      await postJson(`${sim.url}/api/copy`, { source: 'nope', destination: 'x' }),
      404,
      'model "nope" not found',
    );
    await expectError(
      await postJson(`${sim.url}/api/delete`, { model: 'nope' }, { method: 'DELETE' }),
      404,
      "model 'nope' not found",
    );
  });

  it('answers unknown paths and wrong methods with gin text pages', async () => {
    const missing = await fetch(`${sim.url}/api/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await missing.text()).toBe('404 page not found');
    const wrongMethod = await fetch(`${sim.url}/api/chat`);
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.text()).toBe('405 method not allowed');
  });

  it('refuses bodies, capabilities and options the way Ollama does', async () => {
    const empty = await fetch(`${sim.url}/api/chat`, { method: 'POST' });
    await expectError(empty, 400, 'missing request body');
    await expectError(
      await postJson(`${sim.url}/api/chat`, {
        model: 'llama3.2',
        messages: [{ role: 'user', content: 'x' }],
        think: true,
      }),
      400,
      '"llama3.2" does not support thinking',
    );
    await expectError(
      await postJson(`${sim.url}/api/chat`, { model: 'llama3.2', messages: [], think: 'loud' }),
      400,
      'invalid think value: "loud" (must be "high", "medium", "low", "max", true, or false)',
    );
    await expectError(
      await postJson(`${sim.url}/api/chat`, {
        model: 'all-minilm',
        messages: [{ role: 'user', content: 'x' }],
      }),
      400,
      '"all-minilm" does not support chat',
    );
    await expectError(
      await postJson(`${sim.url}/api/chat`, {
        model: 'llava:7b',
        messages: [{ role: 'user', content: 'x' }],
        tools: [{ type: 'function', function: { name: 'f' } }],
      }),
      400,
      'registry.ollama.ai/library/llava:7b does not support tools',
    );
    await expectError(
      await postJson(`${sim.url}/api/generate`, {
        model: 'llama3.2',
        prompt: 'x',
        options: { num_predict: 'lots' },
      }),
      500,
      'option "num_predict" must be of type integer',
    );
    await expectError(
      await postJson(`${sim.url}/api/generate`, {
        model: 'llama3.2',
        prompt: 'x',
        images: ['aGk='],
      }),
      500,
      'this model is missing data required for image input',
    );
  });

  it('accepts base64 images on a vision model', async () => {
    const response = await postJson(`${sim.url}/api/chat`, {
      model: 'llava:7b',
      messages: [{ role: 'user', content: 'What is this?', images: ['aGk='] }],
      stream: false,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { done: boolean }).done).toBe(true);
  });
});
