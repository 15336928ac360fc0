import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion, type GenerationQuery, type RunningSimulator } from '../src/index.js';
import { postJson, readSse, startFastSimulator } from './support/http.js';

interface Choice {
  text?: string;
  delta?: { content?: string };
  logprobs: unknown;
}
interface Body {
  choices: Choice[];
}

const messages = [{ role: 'user', content: 'Tell me about the sea.' }];
const prompt = 'Once upon a time';
const model = 'my-model';
const entriesOf = (query: Omit<GenerationQuery, 'model'>) =>
  expectedCompletion({ model, ...query }).logprobs ?? [];

/** The choices of the `data:` chunks that carry text (the role-only and usage chunks left out). */
const textChoices = (events: unknown[]) =>
  events
    .filter((event): event is Body => event !== '[DONE]')
    .flatMap((event) => event.choices)
    .filter((choice) => (choice.delta?.content ?? choice.text ?? '') !== '');

// vLLM: chat `logprobs: true` + `top_logprobs: n` gives `{"content": [{token, logprob, bytes,
// top_logprobs: [n]}]}`; completions `logprobs: n` give parallel lists with a {token: logprob}
// map per position. Streamed chunks carry their own tokens' part.
describe('vLLM logprobs', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startFastSimulator({ kind: 'vllm', models: [model] });
  });
  afterAll(() => sim.close());
  const post = (path: string, body: Record<string, unknown>) =>
    postJson(`${sim.url}${path}`, { model, ...body });

  it('chat: the whole answer has every entry, each chunk its own, top_logprobs always a list', async () => {
    const entries = entriesOf({ messages, logprobs: 2 });
    const body = { messages, logprobs: true, top_logprobs: 2 };
    const whole = (await (await post('/v1/chat/completions', body)).json()) as Body;
    expect(whole.choices[0]?.logprobs).toEqual({ content: entries });
    const events = await readSse(await post('/v1/chat/completions', { ...body, stream: true }));
    expect((events[0] as Body).choices[0]?.logprobs).toBeNull();
    expect(textChoices(events).map((choice) => choice.logprobs)).toEqual(
      entries.map((entry) => ({ content: [entry] })),
    );
    const bare = (await (
      await post('/v1/chat/completions', { messages, logprobs: true, max_tokens: 3 })
    ).json()) as Body;
    expect(bare.choices[0]?.logprobs).toEqual({
      content: entriesOf({ messages, maxTokens: 3, logprobs: 0 }),
    });
    expect(entriesOf({ messages, logprobs: 0 })[0]?.top_logprobs).toEqual([]);
    const plain = (await (await post('/v1/chat/completions', { messages })).json()) as Body;
    expect(plain.choices[0]?.logprobs).toBeNull();
  });

  it('completions: offsets count from the generated text, the map holds the top n', async () => {
    const plan = expectedCompletion({ model, prompt, maxTokens: 5, logprobs: 3 });
    const entries = plan.logprobs ?? [];
    const offsets = plan.pieces.map((_, i) => plan.pieces.slice(0, i).join('').length);
    const body = { prompt, logprobs: 3, max_tokens: 5 };
    const whole = (await (await post('/v1/completions', body)).json()) as Body;
    expect(whole.choices[0]?.logprobs).toEqual({
      text_offset: offsets,
      token_logprobs: entries.map((entry) => entry.logprob),
      tokens: plan.pieces,
      top_logprobs: entries.map((entry) =>
        Object.fromEntries(entry.top_logprobs.map((top) => [top.token, top.logprob])),
      ),
    });
    const events = await readSse(await post('/v1/completions', { ...body, stream: true }));
    expect(textChoices(events).map((choice) => choice.logprobs)).toEqual(
      entries.map((entry, i) => ({
        text_offset: [offsets[i]],
        token_logprobs: [entry.logprob],
        tokens: [entry.token],
        top_logprobs: [Object.fromEntries(entry.top_logprobs.map((t) => [t.token, t.logprob]))],
      })),
    );
    // logprobs: 0 still names the sampled token at each position.
    const zero = (await (await post('/v1/completions', { ...body, logprobs: 0 })).json()) as Body;
    expect((zero.choices[0]?.logprobs as { top_logprobs: unknown }).top_logprobs).toEqual(
      entries.map((entry) => ({ [entry.token]: entry.logprob })),
    );
    const plain = (await (await post('/v1/completions', { prompt })).json()) as Body;
    expect(plain.choices[0]?.logprobs).toBeNull();
  });

  it("completions with echo: the prompt first, its tokens' entries first, the first one null", async () => {
    const plan = expectedCompletion({ model, prompt, maxTokens: 3, logprobs: 1, echo: true });
    const echoed = plan.echoed;
    expect(echoed?.pieces.join('')).toBe(prompt);
    expect(echoed?.logprobs).toHaveLength((echoed?.pieces.length ?? 0) - 1);
    const entries = [...(echoed?.logprobs ?? []), ...(plan.logprobs ?? [])];
    const tokens = [...(echoed?.pieces ?? []), ...plan.pieces];
    const map = (entry: (typeof entries)[number]) =>
      Object.fromEntries(entry.top_logprobs.map((top) => [top.token, top.logprob]));
    const expected = {
      text_offset: tokens.map((_, i) => tokens.slice(0, i).join('').length),
      token_logprobs: [null, ...entries.map((entry) => entry.logprob)],
      tokens,
      top_logprobs: [null, ...entries.map(map)],
    };
    const body = { prompt, logprobs: 1, max_tokens: 3, echo: true };
    const whole = (await (await post('/v1/completions', body)).json()) as Body;
    expect(whole.choices[0]?.text).toBe(prompt + plan.text);
    expect(whole.choices[0]?.logprobs).toEqual(expected);

    // Streamed, the first chunk carries the prompt with the first answer token.
    const events = await readSse(await post('/v1/completions', { ...body, stream: true }));
    const chunks = textChoices(events);
    expect(chunks.map((choice) => choice.text).join('')).toBe(prompt + plan.text);
    expect(chunks[0]?.text).toBe(prompt + plan.pieces[0]);
    const joined = chunks.map((choice) => choice.logprobs as typeof expected);
    expect({
      text_offset: joined.flatMap((part) => part.text_offset),
      token_logprobs: joined.flatMap((part) => part.token_logprobs),
      tokens: joined.flatMap((part) => part.tokens),
      top_logprobs: joined.flatMap((part) => part.top_logprobs),
    }).toEqual(expected);

    // Without logprobs, the text alone.
    const plain = (await (await post('/v1/completions', { prompt, echo: true })).json()) as Body;
    expect(plain.choices[0]?.text).toBe(
      prompt + expectedCompletion({ model, prompt, maxTokens: 16 }).text,
    );
    expect(plain.choices[0]?.logprobs).toBeNull();
  });

  it('refuses top_logprobs without logprobs, negative counts and more than max_logprobs (20)', async () => {
    const cases: [string, Record<string, unknown>, string, string][] = [
      [
        '/v1/chat/completions',
        { messages, top_logprobs: 2 },
        'when using `top_logprobs`, `logprobs` must be set to true. (parameter=top_logprobs)',
        'top_logprobs',
      ],
      [
        '/v1/chat/completions',
        { messages, logprobs: true, top_logprobs: 21 },
        'Requested sample logprobs of 21, which is greater than max allowed: 20 (parameter=logprobs, value=21)',
        'logprobs',
      ],
      [
        '/v1/completions',
        { prompt, logprobs: -2 },
        '`logprobs` must be a positive value or -1. (parameter=logprobs, value=-2)',
        'logprobs',
      ],
      [
        '/v1/completions',
        { prompt, logprobs: 21 },
        'Requested sample logprobs of 21, which is greater than max allowed: 20 (parameter=logprobs, value=21)',
        'logprobs',
      ],
    ];
    for (const [path, body, message, param] of cases) {
      const response = await post(path, body);
      expect([response.status, await response.json()]).toEqual([
        400,
        { error: { message, type: 'BadRequestError', param, code: 400 } },
      ]);
    }
  });
});
