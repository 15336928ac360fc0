import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Anthropic from '@anthropic-ai/sdk';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import OpenAI from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

// One model on every kind. The simulators, asked for two tools by name, call both, as a model
// asked to do two things at once does. `parallel_tool_calls: false` (Anthropic's
// `disable_parallel_tool_use`) must leave one call on every kind: vLLM is asked for one, and
// Ollama and LM Studio, which have no such option, make both, so their workers keep the first.
const MODEL = 'toolsmith';
const KINDS = ['ollama', 'lmstudio', 'vllm'] as const;
const messages = [
  { role: 'user' as const, content: 'Call get_weather and get_time for Paris, both at once.' },
];
const city = {
  type: 'object' as const,
  properties: { city: { type: 'string' } },
  required: ['city'],
};
const tools = ['get_weather', 'get_time'].map((name) => ({
  type: 'function' as const,
  function: { name, description: `${name} of a city`, parameters: city },
}));

describe('parallel_tool_calls: false', () => {
  let fleet: Fleet;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: KINDS.map((kind) => ({ kind, sim: { models: [MODEL] } })),
    });
    openai = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: fleet.url, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  const chat = (kind: string, parallel: boolean | undefined) =>
    openai.chat.completions.create(
      Object.assign(
        { model: `${kind}/${MODEL}`, messages, tools },
        parallel === undefined ? {} : { parallel_tool_calls: parallel },
      ),
    );

  /** The names of a streamed answer's tool calls, by the index its deltas give. */
  async function streamedCalls(kind: string, parallel: boolean): Promise<string[]> {
    const stream = await openai.chat.completions.create({
      model: `${kind}/${MODEL}`,
      messages,
      tools,
      parallel_tool_calls: parallel,
      stream: true,
    });
    const names: string[] = [];
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      for (const call of choice?.delta.tool_calls ?? []) {
        if (call.function?.name !== undefined) names[call.index] = call.function.name;
      }
      finish ??= choice?.finish_reason;
    }
    expect(finish).toBe('tool_calls');
    return names;
  }

  it.each(KINDS)('keeps a %s answer to one tool call, whole and streamed', async (kind) => {
    const both = await chat(kind, undefined);
    expect(
      both.choices[0]?.message.tool_calls?.map(
        (call) => call.type === 'function' && call.function.name,
      ),
    ).toEqual(['get_weather', 'get_time']);

    const one = await chat(kind, false);
    expect(one.choices[0]?.finish_reason).toBe('tool_calls');
    const calls = one.choices[0]?.message.tool_calls ?? [];
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse(calls[0]?.type === 'function' ? calls[0].function.arguments : '')).toEqual({
      city: expect.any(String),
    });

    expect(await streamedCalls(kind, true)).toEqual(['get_weather', 'get_time']);
    expect(await streamedCalls(kind, false)).toEqual(['get_weather']);
  });

  it('keeps an Anthropic answer to one tool_use block with disable_parallel_tool_use', async () => {
    const ask = (disable: boolean) =>
      anthropic.messages.create({
        model: `lmstudio/${MODEL}`,
        max_tokens: 256,
        messages,
        tools: tools.map(({ function: fn }) => ({
          name: fn.name,
          description: fn.description,
          input_schema: city,
        })),
        tool_choice: { type: 'auto', disable_parallel_tool_use: disable },
      });
    const names = (message: Anthropic.Message) =>
      message.content.flatMap((block) => (block.type === 'tool_use' ? [block.name] : []));
    expect(names(await ask(false))).toEqual(['get_weather', 'get_time']);
    const one = await ask(true);
    expect(one.stop_reason).toBe('tool_use');
    expect(names(one)).toEqual(['get_weather']);
  });

  it('keeps a Responses answer to one function_call item', async () => {
    const ask = (parallel: boolean) =>
      openai.responses.create({
        model: `ollama/${MODEL}`,
        input: messages[0]?.content ?? '',
        tools: tools.map(({ function: fn }) => ({
          type: 'function' as const,
          name: fn.name,
          description: fn.description,
          parameters: city,
          strict: false,
        })),
        parallel_tool_calls: parallel,
      });
    const names = (response: OpenAI.Responses.Response) =>
      response.output.flatMap((item) => (item.type === 'function_call' ? [item.name] : []));
    expect(names(await ask(true))).toEqual(['get_weather', 'get_time']);
    const one = await ask(false);
    expect(one.parallel_tool_calls).toBe(false);
    expect(names(one)).toEqual(['get_weather']);
  });
});
