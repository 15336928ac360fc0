import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { PROCESS_HOOK_TIMEOUT_MS, waitFor } from '@switchyard/testing';
import OpenAI, { BadRequestError, NotFoundError } from 'openai';
import type { ResponseStreamEvent } from 'openai/resources/responses/responses';
import {
  AS_CHAT,
  OLLAMA_MODEL,
  QUESTION,
  startAgentFleet,
  SYSTEM_PROMPT,
  THINKER,
  VLLM_MODEL,
  WEATHER_PARAMETERS,
  WEATHER_QUESTION,
} from './support/agent-fleet.js';
import type { Fleet } from './support/fleet.fixture.js';

const instructions = SYSTEM_PROMPT;
const input = QUESTION;
const asChat = AS_CHAT;
const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  strict: false,
  parameters: WEATHER_PARAMETERS,
};
const weatherQuestion = WEATHER_QUESTION;

type SimChat = NonNullable<Parameters<typeof expectedCompletion>[0]['messages']>;

/**
 * What the simulator answers to `chat` followed by a call of `name` (as the model sees it) and
 * its output `{"temp": 21}`: it plans from the roles, texts and calls, not their ids.
 */
function planAfterCall(
  chat: SimChat,
  tools: Parameters<typeof expectedCompletion>[0]['tools'],
  name: string,
  args: string | undefined,
) {
  return expectedCompletion({
    model: VLLM_MODEL,
    tools,
    messages: [
      ...chat,
      { role: 'assistant', content: null, tool_calls: [{ function: { name, arguments: args } }] },
      { role: 'tool', content: '{"temp": 21}' },
    ],
  });
}

// The Responses API through the gateway with the official openai client: a stateless answer as a
// chat of the fleet, whole and streamed. `responses.stream()` rebuilds the response from the
// events with the SDK's own accumulator, which throws on an event out of place.
describe('OpenAI Responses API through the gateway (openai SDK)', () => {
  let fleet: Fleet;
  let client: OpenAI;

  beforeAll(async () => {
    fleet = await startAgentFleet();
    client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('answers with one message whose text and usage are the chat of instructions and input', async () => {
    const plan = expectedCompletion({ model: OLLAMA_MODEL, messages: asChat });
    const response = await client.responses.create({ model: OLLAMA_MODEL, instructions, input });
    expect(response.object).toBe('response');
    expect(response.id).toMatch(/^resp_req_[0-9a-f]{24}$/);
    expect(response.status).toBe('completed');
    expect(response.instructions).toBe(instructions);
    expect(response.output).toEqual([
      {
        type: 'message',
        id: expect.stringMatching(/^msg_/),
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text: plan.text, annotations: [], logprobs: [] }],
      },
    ]);
    expect(response.output_text).toBe(plan.text);
    expect(response.usage).toEqual({
      input_tokens: plan.promptTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: plan.completionTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: plan.promptTokens + plan.completionTokens,
    });
  });

  it('streams numbered events that the SDK assembles into the same response', async () => {
    const plan = expectedCompletion({ model: OLLAMA_MODEL, messages: asChat });
    const sim = fleet.sim('ollama');
    // Tokens apart in time, so that they come as deltas of their own.
    sim.setFaults({ tokenDelayMs: 2 });
    const events: ResponseStreamEvent[] = [];
    const stream = client.responses.stream({ model: OLLAMA_MODEL, instructions, input });
    try {
      for await (const event of stream) events.push(event);
    } finally {
      sim.clearFaults();
    }
    const final = await stream.finalResponse();
    expect(final.output_text).toBe(plan.text);
    expect(final.status).toBe('completed');
    expect(final.usage?.output_tokens).toBe(plan.completionTokens);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, i) => i));
    const types = events.map((event) => event.type);
    expect(types.slice(0, 4)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
    ]);
    expect(types.slice(-4)).toEqual([
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const deltas = events.flatMap((event) =>
      event.type === 'response.output_text.delta' ? [event.delta] : [],
    );
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(plan.text);
  });

  it('says incomplete, for max_output_tokens, when the answer was cut there', async () => {
    const plan = expectedCompletion({ model: OLLAMA_MODEL, messages: asChat, maxTokens: 3 });
    expect(plan.finishReason).toBe('length');
    const ask = { model: OLLAMA_MODEL, instructions, input, max_output_tokens: 3 };
    const whole = await client.responses.create(ask);
    expect([whole.status, whole.incomplete_details, whole.output_text]).toEqual([
      'incomplete',
      { reason: 'max_output_tokens' },
      plan.text,
    ]);
    const stream = client.responses.stream(ask);
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe('response.incomplete');
    expect((await stream.finalResponse()).output_text).toBe(plan.text);
  });

  it('returns a function call, and answers its output sent back as input items', async () => {
    const chat = [{ role: 'user' as const, content: weatherQuestion }];
    const chatTools = [{ type: 'function' as const, function: weatherTool }];
    const plan = expectedCompletion({ model: VLLM_MODEL, messages: chat, tools: chatTools });
    const call = plan.toolCalls[0];
    expect(call).toBeDefined();

    const whole = await client.responses.create({
      model: VLLM_MODEL,
      input: weatherQuestion,
      tools: [weatherTool],
    });
    const item = whole.output.find((output) => output.type === 'function_call');
    expect(item?.type === 'function_call' && item.name).toBe('get_weather');
    const callItem = item?.type === 'function_call' ? item : undefined;
    expect(JSON.parse(callItem?.arguments ?? '')).toEqual(call?.arguments);

    const stream = client.responses.stream({
      model: VLLM_MODEL,
      input: weatherQuestion,
      tools: [weatherTool],
    });
    let argumentDeltas = '';
    for await (const event of stream) {
      if (event.type === 'response.function_call_arguments.delta') argumentDeltas += event.delta;
    }
    const streamed = (await stream.finalResponse()).output.find((o) => o.type === 'function_call');
    expect(streamed?.type === 'function_call' && JSON.parse(streamed.arguments)).toEqual(
      call?.arguments,
    );
    expect(argumentDeltas).toBe(callItem?.arguments);

    // The call and its output go back as items, as an agent loop sends them.
    const callId = callItem?.call_id ?? '';
    const followUp = await client.responses.create({
      model: VLLM_MODEL,
      tools: [weatherTool],
      input: [
        { role: 'user', content: weatherQuestion },
        {
          type: 'function_call',
          call_id: callId,
          name: 'get_weather',
          arguments: callItem?.arguments ?? '',
        },
        { type: 'function_call_output', call_id: callId, output: '{"temp": 21}' },
      ],
    });
    const followUpPlan = planAfterCall(chat, chatTools, 'get_weather', callItem?.arguments);
    expect(followUp.output_text).toBe(followUpPlan.text);
  });

  it('serves a coding agent’s request: a namespace’s functions by their two names, web search left out', async () => {
    // Codex (0.17x) sends developer messages, its functions in namespaces, web search and
    // `include: reasoning.encrypted_content` on every request. The model sees a namespace's
    // function as `<namespace>__<name>` (the simulator calls the tool its question names).
    const weather = {
      type: 'namespace' as const,
      name: 'weather',
      description: 'Weather tools.',
      tools: [{ type: 'function' as const, name: 'get_weather', parameters: WEATHER_PARAMETERS }],
    };
    const question = 'What is weather__get_weather in Paris?';
    const chatTools = [
      {
        type: 'function' as const,
        function: { name: 'weather__get_weather', parameters: WEATHER_PARAMETERS },
      },
    ];
    const chat = [
      { role: 'system' as const, content: SYSTEM_PROMPT },
      { role: 'user' as const, content: question },
    ];
    const plan = expectedCompletion({ model: VLLM_MODEL, messages: chat, tools: chatTools });
    const request = {
      model: VLLM_MODEL,
      tools: [weather, { type: 'web_search', external_web_access: false }],
      include: ['reasoning.encrypted_content'],
      store: false,
      prompt_cache_key: 'session-1',
      reasoning: { summary: 'auto' },
    };
    // The turn as Codex sends it: developer instructions and the user's message as items.
    const turn = [
      {
        type: 'message',
        role: 'developer',
        content: [{ type: 'input_text', text: SYSTEM_PROMPT }],
      },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: question }] },
    ];
    const stream = client.responses.stream({ ...request, input: turn } as never);
    const response = await stream.finalResponse();
    const call = response.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({ namespace: 'weather', name: 'get_weather' });
    // The response states the tools as they were sent, not as the model saw them.
    expect(response.tools).toMatchObject([
      { type: 'namespace', name: 'weather', tools: [{ type: 'function', name: 'get_weather' }] },
      { type: 'web_search' },
    ]);
    const callItem = call?.type === 'function_call' ? call : undefined;
    expect(JSON.parse(callItem?.arguments ?? '')).toEqual(plan.toolCalls[0]?.arguments);

    // The call goes back with its namespace, as the agent got it.
    const followUp = await client.responses.create({
      ...request,
      input: [
        ...turn,
        { ...(callItem as object), type: 'function_call' },
        { type: 'function_call_output', call_id: callItem?.call_id, output: '{"temp": 21}' },
      ],
    } as never);
    const followUpPlan = planAfterCall(
      chat,
      chatTools,
      'weather__get_weather',
      callItem?.arguments,
    );
    expect(followUp.output_text).toBe(followUpPlan.text);
  });

  it('gives a reasoning model its reasoning as an item of its own before the message', async () => {
    const plan = expectedCompletion({
      model: THINKER,
      messages: [{ role: 'user', content: input }],
    });
    expect(plan.thinking.length).toBeGreaterThan(0);
    const whole = await client.responses.create({ model: THINKER, input });
    expect(whole.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    const reasoning = whole.output[0];
    expect(reasoning?.type === 'reasoning' && reasoning.content).toEqual([
      { type: 'reasoning_text', text: plan.thinking },
    ]);
    expect(whole.output_text).toBe(plan.text);

    const stream = client.responses.stream({ model: THINKER, input });
    let thinking = '';
    for await (const event of stream) {
      if (event.type === 'response.reasoning_text.delta') thinking += event.delta;
    }
    expect(thinking).toBe(plan.thinking);
    // The same items, but for their ids (each response has its own) and the SDK's `parsed`.
    expect(comparable((await stream.finalResponse()).output)).toEqual(comparable(whole.output));
  });

  // The Vercel AI SDK and LangChain read a reasoning item's summary only (OpenAI's models give no
  // reasoning text), when the request asks for one with `reasoning.summary`.
  it('gives the reasoning as its summary too when reasoning.summary asks, whole and streamed', async () => {
    const plan = expectedCompletion({
      model: THINKER,
      messages: [{ role: 'user', content: input }],
    });
    const reasoning = { summary: 'auto' as const };
    const whole = await client.responses.create({ model: THINKER, input, reasoning });
    expect(whole.reasoning).toEqual({ effort: null, summary: 'auto' });
    expect(whole.output[0]).toMatchObject({
      type: 'reasoning',
      summary: [{ type: 'summary_text', text: plan.thinking }],
      content: [{ type: 'reasoning_text', text: plan.thinking }],
    });
    const stream = client.responses.stream({ model: THINKER, input, reasoning });
    let summary = '';
    const summaryEvents: string[] = [];
    for await (const event of stream) {
      if (event.type === 'response.reasoning_summary_text.delta') summary += event.delta;
      if (event.type.startsWith('response.reasoning_summary_')) summaryEvents.push(event.type);
    }
    expect(summary).toBe(plan.thinking);
    expect([summaryEvents[0], ...summaryEvents.slice(-2)]).toEqual([
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
    ]);
    expect(comparable((await stream.finalResponse()).output)).toEqual(comparable(whole.output));
    // Not asked, there is none, as OpenAI gives none.
    const plain = await client.responses.create({ model: THINKER, input });
    expect(plain.output[0]).toMatchObject({ type: 'reasoning', summary: [] });
  });

  // The Vercel AI SDK's Responses provider (`openai(model)`) sends every earlier answer's text and
  // reasoning as an `item_reference` unless told `store: false`, as OpenAI stores responses by
  // default: the second turn of a chat, or the step after a reasoning model's tool call, named
  // items of the gateway's own answers.
  it('answers items of its own stored responses named by item_reference, whole or streamed', async () => {
    const whole = await client.responses.create({ model: THINKER, input });
    // The SDK's type has no `store`, though OpenAI's responses state it.
    expect(whole).toMatchObject({ store: true });
    const streamed = await client.responses.stream({ model: THINKER, input }).finalResponse();
    expect(streamed.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    const next = { role: 'user' as const, content: 'Another one.' };
    const sent = await client.responses.create({
      model: THINKER,
      input: [{ role: 'user', content: input }, ...whole.output, next] as never,
    });
    for (const earlier of [whole, streamed]) {
      const referenced = await client.responses.create({
        model: THINKER,
        input: [
          { role: 'user', content: input },
          ...earlier.output.map((item) => ({ type: 'item_reference' as const, id: item.id })),
          next,
        ],
      } as never);
      expect(referenced.output_text).toBe(sent.output_text);
      expect(comparable(referenced.output)).toEqual(comparable(sent.output));
    }
  });

  it('answers a reference to an item it does not hold with OpenAI’s 404', async () => {
    const unstored = await client.responses.create({ model: OLLAMA_MODEL, input, store: false });
    expect(unstored).toMatchObject({ store: false });
    for (const id of [unstored.output[0]?.id ?? '', 'msg_unknown']) {
      const error = await client.responses
        .create({ model: OLLAMA_MODEL, input: [{ type: 'item_reference', id }] })
        .catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).message).toContain(`Item with id '${id}' not found`);
      expect((error as NotFoundError).param).toBe('input[0]');
    }
  });

  it('gives the tokens’ log-probabilities when include asks for them, as the chat API does', async () => {
    const chat = await client.chat.completions.create({
      model: VLLM_MODEL,
      messages: [{ role: 'user', content: input }],
      logprobs: true,
      top_logprobs: 2,
    });
    const expected = chat.choices[0]?.logprobs?.content;
    expect(expected?.length).toBeGreaterThan(0);
    const ask = {
      model: VLLM_MODEL,
      input,
      include: ['message.output_text.logprobs' as const],
      top_logprobs: 2,
    };
    const whole = await client.responses.create(ask);
    const text = whole.output[0]?.type === 'message' ? whole.output[0].content[0] : undefined;
    expect(text?.type === 'output_text' && text.logprobs).toEqual(expected);

    const stream = client.responses.stream(ask);
    const streamed: unknown[] = [];
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') streamed.push(...(event.logprobs ?? []));
    }
    expect(streamed).toEqual(expected);
  });

  it('ends a stream whose backend fails after the first tokens with response.failed', async () => {
    const sim = fleet.sim('ollama');
    sim.setFaults({ errorAfterTokens: 3 });
    try {
      const stream = await client.responses.create({ model: OLLAMA_MODEL, input, stream: true });
      const events: ResponseStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      const last = events.at(-1);
      expect(last?.type).toBe('response.failed');
      const failed = last?.type === 'response.failed' ? last.response : undefined;
      expect(failed?.status).toBe('failed');
      // One of the codes the API's own types allow, with the fleet's in the message.
      expect(failed?.error?.code).toBe('server_error');
      expect(failed?.error?.message).toMatch(/\(backend_error\)$/);
      expect(events.some((event) => event.type === 'response.output_text.delta')).toBe(true);
    } finally {
      sim.clearFaults();
    }
  });

  it('cancels the backend request when the client leaves a stream', async () => {
    const sim = fleet.sim('ollama');
    sim.resetStats();
    sim.setFaults({ tokenDelayMs: 100 });
    try {
      const controller = new AbortController();
      const stream = await client.responses.create(
        { model: OLLAMA_MODEL, input: 'Tell a long story.', stream: true },
        { signal: controller.signal },
      );
      let deltas = 0;
      for await (const event of stream) {
        if (event.type === 'response.output_text.delta' && ++deltas === 2) controller.abort();
      }
      await waitFor(() => sim.stats().aborted === 1, {
        timeoutMs: 5_000,
        description: 'the simulator to see the abort',
      });
      expect(sim.stats().completed).toBe(0);
    } finally {
      sim.clearFaults();
    }
  });

  it('refuses what needs stored state or hosted tools, naming the field', async () => {
    const refusals: [Record<string, unknown>, string][] = [
      [{ previous_response_id: 'resp_1' }, 'previous_response_id'],
      [{ conversation: 'conv_1' }, 'conversation'],
      [{ background: true }, 'background'],
      [{ tools: [{ type: 'file_search', vector_store_ids: ['vs_1'] }] }, 'tools[0].type'],
      [{ tools: [{ type: 'function', parameters: {} }] }, 'tools[0].name'],
      [{ input: [{ type: 'item_reference' }] }, 'input[0].id'],
      [{ input: [{ type: 'function_call_output', output: '1' }] }, 'input[0].call_id'],
      [
        {
          input: [
            {
              role: 'user',
              content: [{ type: 'input_image', image_url: 'https://example.com/a.png' }],
            },
          ],
        },
        'input[0].content[0]',
      ],
      [{ input: [] }, 'input'],
    ];
    for (const [fields, param] of refusals) {
      const error = await client.responses
        .create({ model: OLLAMA_MODEL, input, ...fields } as never)
        .then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
      expect(error).toBeInstanceOf(BadRequestError);
      expect([param, (error as BadRequestError).param]).toEqual([param, param]);
    }
  });

  it('answers that it keeps no response to retrieve or delete, and serves no token counting', async () => {
    const retrieve = await client.responses.retrieve('resp_1').catch((thrown: unknown) => thrown);
    expect(retrieve).toBeInstanceOf(NotFoundError);
    expect((retrieve as NotFoundError).message).toContain('keeps no responses');
    const removal = await client.responses.delete('resp_1').catch((thrown: unknown) => thrown);
    expect(removal).toBeInstanceOf(NotFoundError);
    // The routes beside it that are not about a stored response say what they are.
    const counting = await client.responses.inputTokens
      .count({ model: OLLAMA_MODEL, input })
      .catch((thrown: unknown) => thrown);
    expect(counting).toBeInstanceOf(NotFoundError);
    expect((counting as NotFoundError).message).toContain('counting input tokens');
  });
});

/** Output items without what differs between two responses of the same answer. */
function comparable(output: readonly unknown[]): unknown {
  return JSON.parse(
    JSON.stringify(output, (key, value: unknown) =>
      key === 'id' || key === 'parsed' ? undefined : value,
    ),
  );
}
