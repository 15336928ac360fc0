import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Anthropic, {
  APIError,
  APIUserAbortError,
  BadRequestError,
  NotFoundError,
} from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { expectedCompletion } from '@switchyard/backend-sim';
import { PROCESS_HOOK_TIMEOUT_MS, waitFor } from '@switchyard/testing';
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

const system = SYSTEM_PROMPT;
const question = QUESTION;
const asChat = AS_CHAT;
const weatherTool = {
  name: 'get_weather',
  description: 'The weather in a city',
  input_schema: WEATHER_PARAMETERS,
};
const weatherQuestion = WEATHER_QUESTION;
/** {@link AS_CHAT} as an Anthropic request to the Ollama model. */
const askOllama = {
  model: OLLAMA_MODEL,
  max_tokens: 64,
  system,
  messages: [{ role: 'user' as const, content: question }],
};

// Anthropic's Messages API through the gateway with the official Anthropic SDK: each request a
// chat of the fleet, whole and streamed. `messages.stream()` rebuilds the message from the events
// with the SDK's own accumulator.
describe('Anthropic Messages API through the gateway (@anthropic-ai/sdk)', () => {
  let fleet: Fleet;
  let client: Anthropic;

  beforeAll(async () => {
    fleet = await startAgentFleet();
    client = new Anthropic({ baseURL: fleet.url, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('answers with the text and usage of the chat of system and messages', async () => {
    const plan = expectedCompletion({ model: OLLAMA_MODEL, messages: asChat, maxTokens: 64 });
    const message = await client.messages.create(askOllama);
    expect(message).toEqual({
      id: expect.stringMatching(/^msg_req_[0-9a-f]{24}$/),
      type: 'message',
      role: 'assistant',
      model: OLLAMA_MODEL,
      content: [{ type: 'text', text: plan.text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: plan.promptTokens,
        output_tokens: plan.completionTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    });
  });

  it('answers a request shaped as Claude Code sends it, to a model that cannot think', async () => {
    // Claude Code (2.1) calls the beta route (`?beta=true`) with a system message after the
    // user's turn, adaptive thinking, an effort and context management on every request. The
    // Ollama model cannot think: the simulator, as Ollama, refuses any thinking effort for it.
    const later = 'Answer in English.';
    const plan = expectedCompletion({
      model: OLLAMA_MODEL,
      messages: [...asChat, { role: 'system', content: later }],
      maxTokens: 64,
    });
    const stream = client.beta.messages.stream({
      model: OLLAMA_MODEL,
      max_tokens: 64,
      system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }],
      messages: [
        {
          role: 'user',
          content: [{ type: 'text', text: question, cache_control: { type: 'ephemeral' } }],
        },
        { role: 'system', content: later },
      ],
      thinking: { type: 'adaptive' },
      output_config: { effort: 'high' },
      context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
      metadata: { user_id: '{"session_id":"s"}' },
      betas: ['claude-code-20250219', 'interleaved-thinking-2025-05-14'],
    } as never);
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: plan.text }]);
    expect(message.stop_reason).toBe('end_turn');
  });

  it('answers a max_tokens beyond a vLLM model’s context with what the context holds', async () => {
    // Anthropic's API requires max_tokens, and Claude Code asks for 32,000 whatever the model;
    // vLLM refuses more than its context (4,096 tokens here) leaves, where Ollama stops at its end.
    const plan = expectedCompletion({ model: VLLM_MODEL, messages: asChat });
    const message = await client.messages
      .stream({
        model: VLLM_MODEL,
        max_tokens: 32_000,
        system,
        messages: [{ role: 'user', content: question }],
      })
      .finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: plan.text }]);
    expect(message.stop_reason).toBe('end_turn');
  });

  // A prefill: the answer continues the assistant's words. Ollama and LM Studio continue a final
  // assistant message on their own; vLLM must be asked, and refuses a wrong asking.
  it('continues an assistant prefill on a vLLM model', async () => {
    const prefilled = [
      { role: 'user' as const, content: question },
      { role: 'assistant' as const, content: '{"answer": "' },
    ];
    const message = await client.messages.create({
      model: VLLM_MODEL,
      max_tokens: 64,
      messages: prefilled,
    });
    expect(message.content).toEqual([
      {
        type: 'text',
        text: expectedCompletion({ model: VLLM_MODEL, messages: prefilled, maxTokens: 64 }).text,
      },
    ]);
  });

  it('uses the one tool tool_choice any forces on Ollama, as SDKs ask for JSON', async () => {
    // The AI SDK asks Anthropic models for an object with one "json" tool and tool_choice any;
    // Ollama cannot force a tool, and nothing in the question names it.
    const schema = { type: 'object' as const, properties: { colour: { type: 'string' } } };
    const plan = expectedCompletion({ model: OLLAMA_MODEL, messages: asChat, format: schema });
    const message = await client.messages.create({
      ...askOllama,
      max_tokens: 256,
      tools: [{ name: 'json', description: 'Respond with a JSON object.', input_schema: schema }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toEqual([
      { type: 'tool_use', id: expect.any(String), name: 'json', input: JSON.parse(plan.text) },
    ]);
  });

  it('says a prompt too long for a vLLM model in Anthropic’s words, with the numbers', async () => {
    // Claude Code compacts the conversation on "prompt is too long: N tokens > M maximum".
    const error = await client.messages
      .create({
        model: VLLM_MODEL,
        max_tokens: 16,
        messages: [{ role: 'user', content: 'word '.repeat(5_000) }],
      })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toMatch(
      /^400 prompt is too long: \d+ tokens > 4096 maximum \(This model's maximum context length/,
    );
  });

  it('refuses a temperature above Anthropic’s 1 in Anthropic’s error shape, naming it', async () => {
    // This SDK's types have no temperature any more; older clients and raw callers still send it.
    const body = {
      model: OLLAMA_MODEL,
      max_tokens: 16,
      temperature: 1.5,
      messages: [{ role: 'user' as const, content: question }],
    };
    const error = await client.messages.create(body).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).error).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'temperature must be between 0 and 1' },
    });
  });

  it('answers in the JSON schema output_config.format gives', async () => {
    const schema = {
      type: 'object',
      properties: { colour: { type: 'string' }, shade: { type: 'integer' } },
      required: ['colour', 'shade'],
    };
    const plan = expectedCompletion({ model: OLLAMA_MODEL, messages: asChat, format: schema });
    const message = await client.messages.create({
      ...askOllama,
      max_tokens: 256,
      output_config: { format: { type: 'json_schema', schema } },
    });
    const [block] = message.content;
    const text = block?.type === 'text' ? block.text : '';
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['colour', 'shade']);
    expect(text).toBe(plan.text);
  });

  it('streams named events that the SDK assembles into the same message', async () => {
    const plan = expectedCompletion({ model: OLLAMA_MODEL, messages: asChat, maxTokens: 64 });
    const sim = fleet.sim('ollama');
    // Tokens apart in time, so that they come as deltas of their own.
    sim.setFaults({ tokenDelayMs: 2 });
    const events: RawMessageStreamEvent[] = [];
    const stream = client.messages.stream(askOllama);
    try {
      for await (const event of stream) events.push(event);
    } finally {
      sim.clearFaults();
    }
    const final = await stream.finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: plan.text }]);
    expect([final.stop_reason, final.usage.input_tokens, final.usage.output_tokens]).toEqual([
      'end_turn',
      plan.promptTokens,
      plan.completionTokens,
    ]);
    const types = events.map((event) => event.type);
    expect(types.slice(0, 2)).toEqual(['message_start', 'content_block_start']);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    const deltas = events.flatMap((event) =>
      event.type === 'content_block_delta' && event.delta.type === 'text_delta'
        ? [event.delta.text]
        : [],
    );
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(plan.text);
  });

  it('says max_tokens when the answer was cut there', async () => {
    const plan = expectedCompletion({ model: OLLAMA_MODEL, messages: asChat, maxTokens: 3 });
    const message = await client.messages.create({ ...askOllama, max_tokens: 3 });
    expect([message.stop_reason, message.content]).toEqual([
      'max_tokens',
      [{ type: 'text', text: plan.text }],
    ]);
  });

  it('names the stop sequence that ended the answer where the backend says which', async () => {
    const messages = [{ role: 'user' as const, content: question }];
    const stopAt = (model: string) => {
      const word = expectedCompletion({ model, messages, maxTokens: 64 }).pieces[3] ?? '';
      const plan = expectedCompletion({ model, messages, maxTokens: 64, stop: [word] });
      expect(plan.stopSequence).toBe(word);
      return { word, plan };
    };
    // vLLM says which stop string matched.
    const vllm = stopAt(VLLM_MODEL);
    const ask = { model: VLLM_MODEL, max_tokens: 64, stop_sequences: [vllm.word], messages };
    const whole = await client.messages.create(ask);
    expect([whole.stop_reason, whole.stop_sequence, whole.content]).toEqual([
      'stop_sequence',
      vllm.word,
      [{ type: 'text', text: vllm.plan.text }],
    ]);
    const streamed = await client.messages.stream(ask).finalMessage();
    expect([streamed.stop_reason, streamed.stop_sequence]).toEqual(['stop_sequence', vllm.word]);
    // Ollama says only that the answer stopped: an end of turn, as far as anyone can tell.
    const ollama = stopAt(OLLAMA_MODEL);
    const unsaid = await client.messages.create({
      ...ask,
      model: OLLAMA_MODEL,
      stop_sequences: [ollama.word],
    });
    expect([unsaid.stop_reason, unsaid.stop_sequence, unsaid.content]).toEqual([
      'end_turn',
      null,
      [{ type: 'text', text: ollama.plan.text }],
    ]);
  });

  it('uses a tool, and answers the tool result sent back', async () => {
    const chat = [{ role: 'user' as const, content: weatherQuestion }];
    const chatTools = [
      {
        type: 'function' as const,
        function: { ...weatherTool, parameters: weatherTool.input_schema },
      },
    ];
    const plan = expectedCompletion({ model: VLLM_MODEL, messages: chat, tools: chatTools });
    const call = plan.toolCalls[0];
    expect(call).toBeDefined();
    const ask = {
      model: VLLM_MODEL,
      max_tokens: 256,
      tools: [weatherTool],
      messages: [{ role: 'user' as const, content: weatherQuestion }],
    };

    const whole = await client.messages.create(ask);
    expect(whole.stop_reason).toBe('tool_use');
    const use = whole.content.find((block) => block.type === 'tool_use');
    expect(use?.type === 'tool_use' && [use.name, use.input]).toEqual([
      'get_weather',
      call?.arguments,
    ]);

    const stream = client.messages.stream(ask);
    let partialJson = '';
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta') {
        partialJson += event.delta.partial_json;
      }
    }
    const streamed = (await stream.finalMessage()).content.find((b) => b.type === 'tool_use');
    expect(streamed?.type === 'tool_use' && streamed.input).toEqual(call?.arguments);
    expect(JSON.parse(partialJson)).toEqual(call?.arguments);

    // The call and its result go back as blocks, as an agent loop sends them.
    const toolUse = use?.type === 'tool_use' ? use : undefined;
    const followUp = await client.messages.create({
      ...ask,
      messages: [
        ...ask.messages,
        {
          role: 'assistant',
          content: [
            {
              type: 'tool_use',
              id: toolUse?.id ?? '',
              name: 'get_weather',
              input: toolUse?.input ?? {},
            },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: toolUse?.id ?? '', content: '{"temp": 21}' },
          ],
        },
      ],
    });
    // What the simulator plans from: the roles, texts and calls (not their ids).
    const followUpPlan = expectedCompletion({
      model: VLLM_MODEL,
      tools: chatTools,
      maxTokens: 256,
      messages: [
        ...chat,
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { function: { name: 'get_weather', arguments: JSON.stringify(toolUse?.input) } },
          ],
        },
        { role: 'tool', content: '{"temp": 21}' },
      ],
    });
    expect(followUp.content).toEqual([{ type: 'text', text: followUpPlan.text }]);
  });

  it('gives a reasoning model’s thinking as a block of its own before the text', async () => {
    const plan = expectedCompletion({
      model: THINKER,
      messages: [{ role: 'user', content: question }],
      maxTokens: 256,
    });
    expect(plan.thinking.length).toBeGreaterThan(0);
    const ask = {
      model: THINKER,
      max_tokens: 256,
      thinking: { type: 'enabled' as const, budget_tokens: 1024 },
      messages: [{ role: 'user' as const, content: question }],
    };
    const whole = await client.messages.create(ask);
    expect(whole.content).toEqual([
      { type: 'thinking', thinking: plan.thinking, signature: '' },
      { type: 'text', text: plan.text },
    ]);
    const stream = client.messages.stream(ask);
    let thinking = '';
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'thinking_delta') {
        thinking += event.delta.thinking;
      }
    }
    expect(thinking).toBe(plan.thinking);
    expect((await stream.finalMessage()).content).toEqual(whole.content);
  });

  it('raises in the SDK when the backend fails after the first tokens', async () => {
    const sim = fleet.sim('ollama');
    sim.setFaults({ errorAfterTokens: 3 });
    try {
      const stream = client.messages.stream({
        model: OLLAMA_MODEL,
        max_tokens: 64,
        messages: [{ role: 'user', content: question }],
      });
      let text = '';
      const error = await (async () => {
        try {
          for await (const event of stream) {
            if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') {
              text += event.delta.text;
            }
          }
          return undefined;
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).type).toEqual(expect.stringMatching(/_error$/));
      expect(text.length).toBeGreaterThan(0);
    } finally {
      sim.clearFaults();
    }
  });

  it('cancels the backend request when the client leaves a stream', async () => {
    const sim = fleet.sim('ollama');
    sim.resetStats();
    sim.setFaults({ tokenDelayMs: 100 });
    try {
      const stream = client.messages.stream({
        model: OLLAMA_MODEL,
        max_tokens: 64,
        messages: [{ role: 'user', content: 'Tell a long story.' }],
      });
      let deltas = 0;
      const ended = await (async () => {
        try {
          for await (const event of stream) {
            if (event.type === 'content_block_delta' && ++deltas === 2) stream.abort();
          }
          return undefined;
        } catch (thrown) {
          return thrown;
        }
      })();
      // The SDK's stream says it was the caller that aborted.
      expect(ended).toBeInstanceOf(APIUserAbortError);
      await waitFor(() => sim.stats().aborted === 1, {
        timeoutMs: 5_000,
        description: 'the simulator to see the abort',
      });
      expect(sim.stats().completed).toBe(0);
    } finally {
      sim.clearFaults();
    }
  });

  it('lists the fleet’s models in Anthropic’s shape to its clients', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models.map((model) => model.id)).toEqual(
      expect.arrayContaining([OLLAMA_MODEL, VLLM_MODEL, THINKER]),
    );
    expect(models[0]).toEqual({
      type: 'model',
      id: models[0]?.id,
      display_name: models[0]?.id,
      created_at: '1970-01-01T00:00:00.000Z',
    });
    expect(await client.models.retrieve(THINKER)).toMatchObject({ type: 'model', id: THINKER });
    const unknown = await client.models
      .retrieve('no-such-model')
      .catch((thrown: unknown) => thrown);
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect((unknown as NotFoundError).error).toEqual({
      type: 'error',
      error: { type: 'not_found_error', message: "The model 'no-such-model' does not exist" },
      request_id: (unknown as NotFoundError).requestID,
    });
  });

  it('gives every answer and error its request id where the SDK reads it', async () => {
    // The SDK's request_id is what Anthropic's request-id header says.
    const { response, request_id } = await client.messages
      .create({ ...askOllama, max_tokens: 8 })
      .withResponse();
    expect(request_id).toBe(response.headers.get('x-request-id'));
    expect(request_id).toMatch(/^req_/);
    const refused = await client.messages
      .create({ ...askOllama, model: 'no-such-model' })
      .catch((thrown: unknown) => thrown);
    expect(refused).toBeInstanceOf(NotFoundError);
    const { requestID, error } = refused as NotFoundError;
    expect(requestID).toMatch(/^req_/);
    expect(error).toMatchObject({ request_id: requestID });
  });

  it('answers errors in Anthropic’s envelope, naming the field at fault', async () => {
    const refused = async (body: Record<string, unknown>) =>
      client.messages
        .create({
          model: OLLAMA_MODEL,
          max_tokens: 16,
          messages: [{ role: 'user', content: question }],
          ...body,
        } as never)
        .then(
          () => undefined,
          (thrown: unknown) => thrown,
        );
    const missing = await refused({ max_tokens: undefined });
    expect(missing).toBeInstanceOf(BadRequestError);
    expect((missing as BadRequestError).error).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens is required' },
      request_id: (missing as BadRequestError).requestID,
    });
    const unknownChoice = await refused({ tool_choice: { type: 'bogus' } });
    expect((unknownChoice as BadRequestError).error).toMatchObject({
      error: {
        message: expect.stringMatching(
          /^tool_choice\.type: Invalid input: expected "auto", .* received "bogus"$/,
        ),
      },
    });
    const serverTool = await refused({
      tools: [{ type: 'web_search_20250305', name: 'web_search' }],
    });
    expect((serverTool as BadRequestError).message).toContain(
      'tools of type "web_search_20250305"',
    );
    const byUrl = await refused({
      messages: [
        {
          role: 'user',
          content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } }],
        },
      ],
    });
    expect((byUrl as BadRequestError).message).toContain('the gateway fetches no URLs');
    const document = await refused({
      messages: [
        { role: 'user', content: [{ type: 'document', source: { type: 'text', data: 'x' } }] },
      ],
    });
    expect((document as BadRequestError).message).toContain('"document" are not supported');

    const unknown = await refused({ model: 'no-such-model' });
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect((unknown as NotFoundError).type).toBe('not_found_error');
    const counting = await client.messages
      .countTokens({ model: OLLAMA_MODEL, messages: [{ role: 'user', content: question }] })
      .catch((thrown: unknown) => thrown);
    expect(counting).toBeInstanceOf(NotFoundError);
    expect((counting as NotFoundError).message).toContain('token counting');
  });
});
