import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import OpenAI, { BadRequestError } from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

// One model on an Ollama and a vLLM backend. Ollama has no logit bias, so its worker refuses a
// request with one as `unsupported` and the gateway takes it to vLLM: the bias is never dropped.
const MODEL = 'shared:1b';
const messages = [{ role: 'user' as const, content: 'Name a colour.' }];
const logit_bias = { '13': -100, '50256': 5 };
const REQUESTS = 8;

describe('logit_bias through the gateway (openai SDK)', () => {
  let fleet: Fleet;
  let openai: OpenAI;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [
        { kind: 'ollama', sim: { models: [MODEL] } },
        { kind: 'vllm', sim: { models: [MODEL] } },
      ],
    });
    openai = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  const refusalOf = (request: Promise<unknown>) =>
    request.then(
      () => undefined,
      (error: unknown) => error,
    );

  it('is served by the kind that applies it, chat and completion', async () => {
    const answers = await Promise.all(
      Array.from({ length: REQUESTS }, (_, i) =>
        i % 2 === 0
          ? openai.chat.completions.create({ model: MODEL, messages, logit_bias, max_tokens: 4 })
          : openai.completions.create({ model: MODEL, prompt: 'Red', logit_bias, max_tokens: 4 }),
      ),
    );
    expect(answers).toHaveLength(REQUESTS);
  });

  it('is refused naming logit_bias when the client pins Ollama, or sends a malformed one', async () => {
    const pinned = await refusalOf(
      openai.chat.completions.create({ model: `ollama/${MODEL}`, messages, logit_bias }),
    );
    expect(pinned).toBeInstanceOf(BadRequestError);
    expect(pinned).toMatchObject({ param: 'logit_bias' });
    const outside = await refusalOf(
      openai.completions.create({ model: MODEL, prompt: 'Red', logit_bias: { '13': 250 } }),
    );
    expect(outside).toBeInstanceOf(BadRequestError);
    expect(outside).toMatchObject({
      param: 'logit_bias',
      message: '400 logit_bias must hold biases from -100 to 100; token 13 has 250',
    });
  });
});
