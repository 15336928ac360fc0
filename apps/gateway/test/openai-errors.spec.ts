import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Svcm } from '@nats-io/services';
import { connect } from '@nats-io/transport-node';
import { workerEndpointMetadata, workerServiceMetadata } from '@switchyard/contracts';
import { closeConnection, PROCESS_HOOK_TIMEOUT_MS, waitFor } from '@switchyard/testing';
import OpenAI, { APIError, BadRequestError, NotFoundError } from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'llama3.2:latest';

const HOSTILE_NAMES = [
  'llama3.2:latest.>',
  'llama3.2:*',
  '*',
  '>',
  'llama3.2:latest.ollama',
  'llama3_2E2_3Alatest',
  'llama3 2:latest',
  'llama3.2/latest',
  'ollama/*',
  'ллама:latest',
  '🦙:latest',
  'a.b.c',
];

describe('OpenAI error envelopes', () => {
  let fleet: Fleet;
  let client: OpenAI;

  beforeAll(async () => {
    fleet = await startFleet({
      backends: [{ kind: 'ollama' }],
      gateway: { body_limit_bytes: 4096 },
    });
    client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('raises NotFoundError with model_not_found for a model nobody serves', async () => {
    const call = client.chat.completions.create({
      model: 'no-such-model:latest',
      messages: [{ role: 'user', content: 'hi' }],
    });
    await expect(call).rejects.toBeInstanceOf(NotFoundError);
    await call.catch((error: NotFoundError) => {
      expect(error.status).toBe(404);
      expect(error.code).toBe('model_not_found');
      expect(error.type).toBe('invalid_request_error');
    });
  });

  // The listing has the model, yet nothing takes its requests: what a client meets in the moment
  // after a worker stopped serving a model. Here a registration lists one and serves no subject.
  it('answers 503 naming the model when a listed model has no worker to take it', async () => {
    const nc = await connect({ servers: fleet.nats.url });
    try {
      const listing = await new Svcm(nc).add({
        name: 'ollama-worker',
        version: '0.0.0',
        metadata: workerServiceMetadata('ollama', 'ollama-worker-listing-only', 'switchyard'),
      });
      listing.addEndpoint('chat_ghost', {
        subject: 'test.listing-only',
        metadata: workerEndpointMetadata({ model: 'ghost:latest', capabilities: [], details: {} }),
        handler: () => undefined,
      });
      await waitFor(
        async () => (await client.models.list()).data.some((model) => model.id === 'ghost:latest'),
        { timeoutMs: 10_000, description: 'the listing to have ghost:latest' },
      );
      const call = client.chat.completions.create({
        model: 'ghost:latest',
        messages: [{ role: 'user', content: 'hi' }],
      });
      await expect(call).rejects.toBeInstanceOf(APIError);
      await expect(call).rejects.toMatchObject({
        status: 503,
        message:
          '503 no worker answers for model "ghost:latest" right now, although one listed it a moment ago',
      });
      await listing.stop();
    } finally {
      await closeConnection(nc);
    }
  });

  it('raises BadRequestError naming the field for an invalid request', async () => {
    const call = client.chat.completions.create({ model: MODEL, messages: [] });
    await expect(call).rejects.toBeInstanceOf(BadRequestError);
    await call.catch((error: BadRequestError) => {
      expect(error.param).toBe('messages');
      expect(error.message).toMatch(/at least one message/);
    });
  });

  it('says which bound a number is out of, as a sentence about the field', async () => {
    const call = client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 0,
    });
    await expect(call).rejects.toMatchObject({
      status: 400,
      param: 'max_tokens',
      message: '400 max_tokens must be greater than 0',
    });
  });

  it('says a missing field is required, naming it', async () => {
    const call = client.chat.completions.create({
      messages: [{ role: 'user', content: 'hi' }],
    } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await expect(call).rejects.toMatchObject({
      status: 400,
      param: 'model',
      message: '400 model is required',
    });
    const noMessages = client.chat.completions.create({
      model: MODEL,
    } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await expect(noMessages).rejects.toMatchObject({ status: 400, param: 'messages' });
    await noMessages.catch((error: BadRequestError) =>
      expect(error.message).toBe('400 messages is required'),
    );
  });

  it('says which field is missing or of the wrong type where it takes several shapes', async () => {
    const noPrompt = client.completions.create({
      model: MODEL,
    } as unknown as OpenAI.CompletionCreateParamsNonStreaming);
    await expect(noPrompt).rejects.toMatchObject({
      status: 400,
      param: 'prompt',
      message: '400 prompt is required',
    });
    const noInput = client.embeddings.create({
      model: MODEL,
    } as unknown as OpenAI.EmbeddingCreateParams);
    await expect(noInput).rejects.toMatchObject({ message: '400 input is required' });
    const wrongInput = client.embeddings.create({
      model: MODEL,
      input: true,
    } as unknown as OpenAI.EmbeddingCreateParams);
    await expect(wrongInput).rejects.toMatchObject({
      status: 400,
      param: 'input',
      message: '400 input: Invalid input: expected string or array, received boolean',
    });
    // A tagged field whose tag is none of the shapes': the tags it takes, and the one it got.
    const wrongFormat = client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      response_format: { type: 'xml' },
    } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await expect(wrongFormat).rejects.toMatchObject({
      status: 400,
      param: 'response_format.type',
      message:
        '400 response_format.type: Invalid input: expected "text", "json_object" or "json_schema", received "xml"',
    });
    const noFormatType = client.chat.completions.create({
      model: MODEL,
      messages: [{ role: 'user', content: 'hi' }],
      response_format: {},
    } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await expect(noFormatType).rejects.toMatchObject({
      param: 'response_format.type',
      message: '400 response_format.type is required',
    });
    const wrongModel = client.chat.completions.create({
      model: 5,
      messages: [{ role: 'user', content: 'hi' }],
    } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming);
    await expect(wrongModel).rejects.toMatchObject({
      param: 'model',
      message: '400 model must be a string',
    });
  });

  it('refuses a tool choice no answer can honour, and stream options without a stream', async () => {
    const messages = [{ role: 'user' as const, content: 'hi' }];
    const tools = [{ type: 'function' as const, function: { name: 'get_weather' } }];
    await expect(
      client.chat.completions.create({ model: MODEL, messages, tool_choice: 'required' }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'tool_choice',
      message: '400 tool_choice "required" needs tools, and the request has none',
    });
    await expect(
      client.chat.completions.create({
        model: MODEL,
        messages,
        tools,
        tool_choice: { type: 'function', function: { name: 'nope' } },
      }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'tool_choice',
      message: '400 tool_choice names the tool "nope", which is not in tools',
    });
    await expect(
      client.chat.completions.create({
        model: MODEL,
        messages,
        stream_options: { include_usage: true },
      }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'stream_options',
      message: '400 stream_options is only allowed when stream is true',
    });
    // The tool it names is offered: answered.
    const answer = await client.chat.completions.create({
      model: MODEL,
      messages,
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    expect(answer.choices[0]?.message.tool_calls?.[0]).toMatchObject({
      function: { name: 'get_weather' },
    });
  });

  it('refuses logprob requests OpenAI refuses, naming the field, and takes one that declines', async () => {
    const messages = [{ role: 'user' as const, content: 'hi' }];
    await expect(
      client.chat.completions.create({ model: MODEL, messages, top_logprobs: 3 }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'top_logprobs',
      message: '400 when using `top_logprobs`, `logprobs` must be set to true',
    });
    await expect(
      client.chat.completions.create({ model: MODEL, messages, logprobs: true, top_logprobs: 21 }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'top_logprobs',
      message: '400 top_logprobs must be between 0 and 20',
    });
    await expect(
      client.completions.create({ model: MODEL, prompt: 'hi', logprobs: 6 }),
    ).rejects.toMatchObject({
      status: 400,
      param: 'logprobs',
      message: '400 logprobs must be between 0 and 5',
    });
    const declined = await client.chat.completions.create({
      model: MODEL,
      messages,
      logprobs: false,
      top_logprobs: 0,
    });
    expect(declined.choices[0]?.message.content).toEqual(expect.any(String));
    expect(declined.choices[0]?.logprobs).toBeNull();
  });

  it('answers 413 in the envelope for a body over the limit', async () => {
    const response = await fetch(`${fleet.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, input: 'x'.repeat(8192) }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('payload_too_large');
    // The limit and where it is set, not Fastify's bare "Request body is too large".
    expect(body.error.message).toBe(
      "the request body is over the gateway's limit of 4096 bytes (gateway.body_limit_bytes): " +
        'send less, or raise the limit',
    );
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    await expect(
      client.embeddings.create({ model: MODEL, input: ['x'.repeat(3000), 'y'.repeat(3000)] }),
    ).rejects.toMatchObject({
      status: 413,
      code: 'payload_too_large',
      message: expect.stringContaining("over the gateway's limit of 4096 bytes"),
    });
  });

  it('answers 400 in the envelope for broken JSON and 404 for an unknown route', async () => {
    const broken = await fetch(`${fleet.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":',
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { error: { code: string } }).error.code).toBe('bad_request');
    const unknown = await fetch(`${fleet.url}/v1/nothing-here`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('not_found');
    // A route left out on purpose says so, and what to use instead.
    await expect(client.files.list()).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
      message:
        "404 /v1/files: OpenAI's hosted-platform APIs are not served: Switchyard serves chat, completions, responses, embeddings and models",
    });
  });

  it('says so for every resource of the official client that the gateway does not serve', async () => {
    const hosted = "OpenAI's hosted-platform APIs are not served";
    const media = 'image, video, audio and moderation APIs are not served';
    const calls: [string, () => Promise<unknown>, string][] = [
      ['/v1/conversations', () => client.conversations.create(), hosted],
      ['/v1/containers', () => client.containers.list(), hosted],
      ['/v1/evals', () => client.evals.list(), hosted],
      ['/v1/skills', () => client.skills.list(), hosted],
      ['/v1/chatkit/sessions', () => client.beta.chatkit.sessions.cancel('cks_1'), hosted],
      ['/v1/videos', () => client.videos.list(), media],
      ['/v1/images/generations', () => client.images.generate({ prompt: 'a cat' }), media],
    ];
    for (const [path, call, hint] of calls) {
      const error = await call().then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).message).toContain(path);
      expect((error as NotFoundError).message).toContain(hint);
    }
  });

  it('lists models and looks one up, with the kinds behind it', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models.map((model) => model.id)).toEqual(
      expect.arrayContaining(['llama3.2:latest', 'all-minilm:latest']),
    );
    // Each model once: Ollama's bare names route (and can be looked up) but are not listed.
    expect(models.map((model) => model.id)).not.toContain('llama3.2');
    const one = await client.models.retrieve(MODEL);
    expect(one).toMatchObject({ id: MODEL, object: 'model', kinds: ['ollama'] });
    expect(await client.models.retrieve('llama3.2')).toMatchObject({ id: 'llama3.2' });
    await expect(client.models.retrieve('missing')).rejects.toBeInstanceOf(NotFoundError);
  });

  describe('model names from clients', () => {
    it.each(HOSTILE_NAMES)(
      '%s → 404 model_not_found, never another model answering',
      async (model) => {
        const sim = fleet.sim('ollama');
        sim.resetStats();
        const response = await fetch(`${fleet.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
        });
        expect(response.status).toBe(404);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
          'model_not_found',
        );
        expect(sim.stats().received).toBe(0);
      },
    );

    it.each(['', ' padded', 'a\nb', 'x'.repeat(300), 42, null])(
      'refuses %j with 400 naming the model field',
      async (model) => {
        const response = await fetch(`${fleet.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
        });
        expect(response.status).toBe(400);
        const body = (await response.json()) as { error: { code: string; param: string } };
        expect(body.error).toMatchObject({ code: 'bad_request', param: 'model' });
      },
    );
  });
});
