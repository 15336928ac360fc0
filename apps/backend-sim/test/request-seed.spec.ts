import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { planGeneration, type GenerationQuery, type RunningSimulator } from '../src/index.js';
import { postJson, startFastSimulator } from './support/http.js';

const SIM_SEED = 3;
const messages = [{ role: 'user', content: 'Name a river.' }];

/** The text the simulator plans for `query` with `seed`. */
const planned = (query: GenerationQuery, seed: number) => planGeneration({ ...query, seed }).text;

// A request's own seed decides its answer, as it does on real servers: the same seed the same
// words, another seed others; without one, the simulator's --seed.
describe("a request's seed", () => {
  const sims: Partial<Record<'ollama' | 'vllm' | 'lmstudio', RunningSimulator>> = {};
  beforeAll(async () => {
    for (const kind of ['ollama', 'vllm', 'lmstudio'] as const) {
      sims[kind] = await startFastSimulator({ kind, seed: SIM_SEED });
    }
  });
  afterAll(() => Promise.all(Object.values(sims).map((sim) => sim.close())));

  it('plans an Ollama chat and generate with options.seed', async () => {
    const url = sims.ollama?.url ?? '';
    const model = 'llama3.2:latest';
    const chat = async (options: Record<string, unknown>) =>
      (
        (await (
          await postJson(`${url}/api/chat`, { model, messages, stream: false, options })
        ).json()) as { message: { content: string } }
      ).message.content;
    expect(await chat({ seed: 7 })).toBe(planned({ model, messages }, 7));
    expect(await chat({ seed: 8 })).toBe(planned({ model, messages }, 8));
    expect(planned({ model, messages }, 7)).not.toBe(planned({ model, messages }, 8));
    expect(await chat({})).toBe(planned({ model, messages }, SIM_SEED));
    const generated = (await (
      await postJson(`${url}/api/generate`, {
        model,
        prompt: 'The sea is',
        stream: false,
        options: { seed: 9 },
      })
    ).json()) as { response: string };
    expect(generated.response).toBe(planned({ model, prompt: 'The sea is' }, 9));
  });

  it('plans OpenAI-style chats and completions with seed on every kind', async () => {
    const models = {
      ollama: 'llama3.2:latest',
      vllm: 'Qwen/Qwen2.5-0.5B-Instruct',
      lmstudio: 'qwen2.5-7b-instruct',
    } as const;
    for (const [kind, model] of Object.entries(models)) {
      const url = sims[kind as keyof typeof models]?.url ?? '';
      const chat = (await (
        await postJson(`${url}/v1/chat/completions`, { model, messages, seed: 11 })
      ).json()) as { choices: { message: { content: string } }[] };
      expect(chat.choices[0]?.message.content).toBe(planned({ model, messages }, 11));
      const completion = (await (
        await postJson(`${url}/v1/completions`, { model, prompt: 'The sea is', seed: 12 })
      ).json()) as { choices: { text: string }[] };
      expect(completion.choices[0]?.text).toBe(
        planned({ model, prompt: 'The sea is', maxTokens: 16 }, 12),
      );
    }
  });
});
