import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import OpenAI, { BadRequestError } from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

// One model on a vLLM and an LM Studio backend. A request only vLLM can serve (log-probabilities)
// goes to whichever worker takes it from the queue group; when that is LM Studio's, which
// refuses it as `unsupported`, the gateway tries the model on each kind, so the client never
// sees a refusal that another backend of the fleet would not have made.
const MODEL = 'shared-model';
const messages = [{ role: 'user' as const, content: 'Name a colour.' }];
const REQUESTS = 12;

describe('a request one kind of backend cannot serve', () => {
  let fleet: Fleet;
  let openai: OpenAI;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [
        { kind: 'vllm', sim: { models: [MODEL] } },
        { kind: 'lmstudio', sim: { models: [MODEL] } },
      ],
    });
    openai = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('is served by the kind that can, every time', async () => {
    const planned = expectedCompletion({ model: MODEL, messages, logprobs: 1 }).logprobs;
    const answers = await Promise.all(
      Array.from({ length: REQUESTS }, () =>
        openai.chat.completions.create({ model: MODEL, messages, logprobs: true, top_logprobs: 1 }),
      ),
    );
    for (const answer of answers) {
      expect(answer.choices[0]?.logprobs?.content).toEqual(planned);
    }
    // Requests that need nothing special still reach both backends.
    const plain = await Promise.all(
      Array.from({ length: REQUESTS }, () =>
        openai.chat.completions.create({ model: MODEL, messages }),
      ),
    );
    expect(plain.every((answer) => answer.choices[0]?.logprobs === null)).toBe(true);
  });

  it('is refused when the client pins the kind that cannot', async () => {
    const refused = await openai.chat.completions
      .create({ model: `lmstudio/${MODEL}`, messages, logprobs: true })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(BadRequestError);
    expect(refused).toMatchObject({ param: 'logprobs' });
  });
});
