import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import OpenAI, { BadRequestError } from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const OLLAMA_MODEL = 'llama3.2:latest';
const VLLM_MODEL = 'Qwen/Qwen2.5-0.5B-Instruct';
const prompt = 'The sea is';

/** What the legacy API's `logprobs` of an echoed vLLM answer are, from the simulator's plan. */
function echoedLogprobs(text: string, maxTokens: number, top: number) {
  const plan = expectedCompletion({
    model: VLLM_MODEL,
    prompt: text,
    maxTokens,
    logprobs: top,
    echo: true,
  });
  const echoed = plan.echoed ?? { pieces: [], logprobs: [] };
  const entries = [...echoed.logprobs, ...(plan.logprobs ?? [])];
  const tokens = [...echoed.pieces, ...plan.pieces];
  return {
    text: text + plan.text,
    logprobs: {
      tokens,
      token_logprobs: [null, ...entries.map((entry) => entry.logprob)],
      top_logprobs: [
        null,
        ...entries.map((entry) =>
          Object.fromEntries(entry.top_logprobs.map((top) => [top.token, top.logprob])),
        ),
      ],
      text_offset: tokens.map((_, i) => tokens.slice(0, i).join('').length),
    },
  };
}

// `echo` on the legacy completions API with the official client: every kind puts the prompt
// before the answer; vLLM also scores the prompt's tokens (what evaluation harnesses such as
// lm-evaluation-harness ask for: echo, logprobs and one token, for a list of prompts), the other
// kinds refuse that with a 400 naming `echo`.
describe('completions with echo through the gateway (openai SDK)', () => {
  let fleet: Fleet;
  let client: OpenAI;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [
        { kind: 'ollama', sim: { tokensPerSecond: 500 } },
        { kind: 'vllm', sim: { tokensPerSecond: 500 } },
      ],
    });
    client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('puts the prompt before the answer on every kind, whole and streamed', async () => {
    for (const model of [OLLAMA_MODEL, VLLM_MODEL]) {
      const plan = expectedCompletion({ model, prompt, maxTokens: 4 });
      const whole = await client.completions.create({ model, prompt, max_tokens: 4, echo: true });
      expect(whole.choices[0]?.text).toBe(prompt + plan.text);
      expect(whole.usage?.completion_tokens).toBe(plan.completionTokens);
      let streamed = '';
      const stream = await client.completions.create({
        model,
        prompt,
        max_tokens: 4,
        echo: true,
        stream: true,
      });
      for await (const chunk of stream) streamed += chunk.choices[0]?.text ?? '';
      expect(streamed).toBe(prompt + plan.text);
    }
  });

  it("scores the prompt's tokens on vLLM, the first one null, whole and streamed", async () => {
    const expected = echoedLogprobs(prompt, 3, 2);
    const whole = await client.completions.create({
      model: VLLM_MODEL,
      prompt,
      max_tokens: 3,
      logprobs: 2,
      echo: true,
    });
    expect(whole.choices[0]?.text).toBe(expected.text);
    expect(whole.choices[0]?.logprobs).toEqual(expected.logprobs);

    const joined = {
      tokens: [] as unknown[],
      token_logprobs: [] as unknown[],
      text_offset: [] as unknown[],
    };
    const stream = await client.completions.create({
      model: VLLM_MODEL,
      prompt,
      max_tokens: 3,
      logprobs: 2,
      echo: true,
      stream: true,
    });
    for await (const chunk of stream) {
      const logprobs = chunk.choices[0]?.logprobs;
      joined.tokens.push(...(logprobs?.tokens ?? []));
      joined.token_logprobs.push(...(logprobs?.token_logprobs ?? []));
      joined.text_offset.push(...(logprobs?.text_offset ?? []));
    }
    expect(joined).toEqual({
      tokens: expected.logprobs.tokens,
      token_logprobs: expected.logprobs.token_logprobs,
      text_offset: expected.logprobs.text_offset,
    });
  });

  it('answers a list of prompts as an evaluation harness asks: echo, logprobs 1, one token', async () => {
    const prompts = ['The capital of France is', 'Two plus two is'];
    const answer = await client.completions.create({
      model: VLLM_MODEL,
      prompt: prompts,
      max_tokens: 1,
      logprobs: 1,
      echo: true,
      temperature: 0,
    });
    expect(answer.choices.map(({ index, text, logprobs }) => ({ index, text, logprobs }))).toEqual(
      prompts.map((text, index) => ({ index, ...echoedLogprobs(text, 1, 1) })),
    );
  });

  it("refuses the prompt's log-probabilities where no kind serving the model can give them", async () => {
    const refused = client.completions.create({
      model: OLLAMA_MODEL,
      prompt,
      logprobs: 1,
      echo: true,
    });
    await expect(refused).rejects.toBeInstanceOf(BadRequestError);
    await expect(refused).rejects.toMatchObject({
      param: 'echo',
      message: expect.stringContaining('log-probabilities of an echoed prompt'),
    });
  });

  it("takes prompts as the model's token ids on vLLM, and names prompt where no kind can", async () => {
    const tokenize = async (text: string) =>
      (
        (await (
          await fetch(`${fleet.sim('vllm').url}/tokenize`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ model: VLLM_MODEL, prompt: text }),
          })
        ).json()) as { tokens: number[] }
      ).tokens;
    const prompts = ['The capital of France is', 'Two plus two is'];
    const ids = await Promise.all(prompts.map(tokenize));
    const one = await client.completions.create({
      model: VLLM_MODEL,
      prompt: ids[0] as number[],
      max_tokens: 3,
    });
    expect(one.choices[0]?.text).toBe(
      expectedCompletion({ model: VLLM_MODEL, prompt: prompts[0], maxTokens: 3 }).text,
    );
    const scored = await client.completions.create({
      model: VLLM_MODEL,
      prompt: ids,
      max_tokens: 1,
      logprobs: 1,
      echo: true,
    });
    expect(scored.choices.map(({ text, logprobs }) => ({ text, logprobs }))).toEqual(
      prompts.map((text) => echoedLogprobs(text, 1, 1)),
    );
    await expect(
      client.completions.create({ model: OLLAMA_MODEL, prompt: ids[0] as number[] }),
    ).rejects.toMatchObject({ status: 400, param: 'prompt' });
  });
});
