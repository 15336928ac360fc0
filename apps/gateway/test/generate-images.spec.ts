import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { PROCESS_HOOK_TIMEOUT_MS, waitFor } from '@switchyard/testing';
import { Ollama } from 'ollama';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

// A 1×1 PNG: what `ollama.generate({ images })` sends, base64.
const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const OLLAMA_VISION = 'llava-vision:latest';
const LMSTUDIO_VISION = 'llava-vision-7b';
const LMSTUDIO_TEXT = 'qwen2.5-7b-instruct';
const prompt = 'What is in this picture?';

describe("/api/generate with images (Ollama's vision requests)", () => {
  let fleet: Fleet;
  let ollama: Ollama;

  beforeAll(async () => {
    fleet = await startFleet({ backends: [{ kind: 'ollama' }, { kind: 'lmstudio' }] });
    fleet.sim('ollama').addModel(OLLAMA_VISION);
    fleet.sim('lmstudio').addModel(LMSTUDIO_VISION);
    ollama = new Ollama({ host: fleet.url });
    const served = async () => (await ollama.list()).models.map(({ name }) => name);
    await waitFor(
      async () => {
        const names = await served();
        return names.includes(OLLAMA_VISION) && names.includes(LMSTUDIO_VISION);
      },
      { timeoutMs: 10_000, description: 'the workers to serve the vision models' },
    );
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it("hands the images to an Ollama backend's generate", async () => {
    const answer = await ollama.generate({ model: OLLAMA_VISION, prompt, images: [PNG] });
    expect(answer.response).toBe(expectedCompletion({ model: OLLAMA_VISION, prompt }).text);
    expect(answer.done_reason).toBe('stop');
  });

  it('sends a generate with images to LM Studio as a chat whose user message holds them', async () => {
    const stream = await ollama.generate({
      model: LMSTUDIO_VISION,
      prompt,
      images: [PNG],
      stream: true,
    });
    let text = '';
    for await (const part of stream) text += part.response;
    const messages = [{ role: 'user', content: prompt }];
    expect(text).toBe(expectedCompletion({ model: LMSTUDIO_VISION, messages }).text);
  });

  it('lets the backend refuse images for a model without vision, as it would its own client', async () => {
    // The images reached each backend: a model that cannot see refuses them there.
    const refusals = ['llama3.2:latest', LMSTUDIO_TEXT].map((model) =>
      ollama.generate({ model, prompt, images: [PNG] }).then(
        () => ({ model, refused: 'no' }),
        (thrown: { status_code?: number; error?: string }) => ({
          model,
          refused: thrown.status_code !== undefined && thrown.status_code >= 400,
          error: thrown.error,
        }),
      ),
    );
    // In each backend's own words.
    expect(await Promise.all(refusals)).toEqual([
      {
        model: 'llama3.2:latest',
        refused: true,
        error: 'this model is missing data required for image input',
      },
      {
        model: LMSTUDIO_TEXT,
        refused: true,
        error: 'Model does not support images. Please use a model that does.',
      },
    ]);
  });

  it('refuses an image that is not base64, naming it', async () => {
    await expect(
      ollama.generate({ model: OLLAMA_VISION, prompt, images: [PNG, '!!not base64'] }),
    ).rejects.toMatchObject({ status_code: 400, error: 'images[1]: image data must be base64' });
  });
});
