import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { TRACING_CHANNELS, type FrameReceiveMessage } from '@switchyard/nats';
import { PROCESS_HOOK_TIMEOUT_MS, waitFor } from '@switchyard/testing';
import { expectedCompletion } from '@switchyard/backend-sim';
import OpenAI from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';

const MODEL = 'llama3.2:latest';
const messages = [{ role: 'user' as const, content: 'Count.' }];

describe('GET /metrics', () => {
  let fleet: Fleet;

  beforeAll(async () => {
    fleet = await startFleet({ backends: [{ kind: 'ollama' }] });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(() => fleet?.close());

  it('counts requests by route, model and status, tokens, first-token time and overhead', async () => {
    const client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    await client.chat.completions.create({ model: MODEL, messages });
    const stream = await client.chat.completions.create({ model: MODEL, messages, stream: true });
    for await (const _chunk of stream) {
      // read to the end
    }
    await client.chat.completions.create({ model: 'nobody', messages }).catch(() => undefined);
    const plan = expectedCompletion({ model: MODEL, messages });

    const response = await fetch(`${fleet.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    const value = (line: string): number => {
      const found = text.split('\n').find((candidate) => candidate.startsWith(`${line} `));
      return found === undefined ? Number.NaN : Number(found.slice(line.length + 1));
    };
    const prefix = 'switchyard_gateway_';
    expect(
      value(`${prefix}requests_total{route="/v1/chat/completions",model="${MODEL}",status="200"}`),
    ).toBe(2);
    expect(
      value(`${prefix}requests_total{route="/v1/chat/completions",model="-",status="404"}`),
    ).toBe(1);
    expect(value(`${prefix}tokens_total{direction="out",model="${MODEL}"}`)).toBe(
      2 * plan.completionTokens,
    );
    expect(value(`${prefix}tokens_total{direction="in",model="${MODEL}"}`)).toBe(
      2 * plan.promptTokens,
    );
    expect(value(`${prefix}time_to_first_token_seconds_count{operation="chat"}`)).toBe(2);
    expect(value(`${prefix}overhead_seconds_count`)).toBe(2);
    expect(value(`${prefix}in_flight_requests`)).toBe(0);
    expect(text).toContain(`${prefix}process_cpu_seconds_total`);
  });

  // The gateway asks for each of `n` choices as a request of its own; the answer is still one
  // request, with one first token: a histogram's count must stay the number of requests.
  it('observes one first-token time and one overhead for an answer of several choices', async () => {
    const client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const counts = async () => {
      const text = await (await fetch(`${fleet.url}/metrics`)).text();
      const value = (series: string) =>
        Number(
          text
            .split('\n')
            .find((line) => line.startsWith(`${series} `))
            ?.split(' ')[1] ?? 0,
        );
      return {
        requests: value(
          `switchyard_gateway_requests_total{route="/v1/chat/completions",model="${MODEL}",status="200"}`,
        ),
        firstTokens: value(
          'switchyard_gateway_time_to_first_token_seconds_count{operation="chat"}',
        ),
        overheads: value('switchyard_gateway_overhead_seconds_count'),
      };
    };
    const before = await counts();
    const answer = await client.chat.completions.create({ model: MODEL, messages, n: 3 });
    expect(answer.choices).toHaveLength(3);
    expect(await counts()).toEqual({
      requests: before.requests + 1,
      firstTokens: before.firstTokens + 1,
      overheads: before.overheads + 1,
    });
  });

  // A streamed answer's 200 goes out before its first token: one the backend broke off, or the
  // client left, is counted with that status, and must show somewhere all the same.
  it('counts streamed answers that ended early after their 200, by the code sent in-band', async () => {
    const sim = fleet.sim('ollama');
    const client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const failures = async (code: string) => {
      const series = `switchyard_gateway_stream_failures_total{route="/v1/chat/completions",model="${MODEL}",code="${code}"}`;
      const text = await (await fetch(`${fleet.url}/metrics`)).text();
      return Number(
        text
          .split('\n')
          .find((line) => line.startsWith(`${series} `))
          ?.split(' ')[1] ?? 0,
      );
    };
    const [brokenBefore, leftBefore] = [
      await failures('backend_error'),
      await failures('cancelled'),
    ];
    sim.setFaults({ errorAfterTokens: 2 });
    try {
      const stream = await client.chat.completions.create({ model: MODEL, messages, stream: true });
      const broken = await (async () => {
        for await (const _chunk of stream) {
          // read until the in-band error
        }
      })().catch((error: unknown) => error);
      expect(broken).toMatchObject({ code: 'backend_error' });
    } finally {
      sim.setFaults({ errorAfterTokens: null });
    }
    sim.setFaults({ tokenDelayMs: 50 });
    try {
      const left = new AbortController();
      const stream = await client.chat.completions.create(
        { model: MODEL, messages, stream: true },
        { signal: left.signal },
      );
      await (async () => {
        for await (const _chunk of stream) left.abort();
      })().catch(() => undefined);
    } finally {
      sim.setFaults({ tokenDelayMs: null });
    }
    await waitFor(async () => (await failures('cancelled')) === leftBefore + 1, {
      description: 'the client that left mid-stream counted',
    });
    expect(await failures('backend_error')).toBe(brokenBefore + 1);
  });

  // Ollama serves `llama3.2:latest` as `llama3.2` too: the requests for either name are one
  // model's, counted under the name its tokens are, so that the two series can be joined.
  it("counts a request for a name that is only an alias under the model's own name", async () => {
    const client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const alias = 'llama3.2';
    await client.chat.completions.create({ model: alias, messages });

    const text = await (await fetch(`${fleet.url}/metrics`)).text();
    const requests = (model: string) =>
      `switchyard_gateway_requests_total{route="/v1/chat/completions",model="${model}",status="200"}`;
    expect(text).toContain(`${requests(MODEL)} `);
    expect(text).not.toContain(`${requests(alias)} `);
    expect(text).not.toContain(`model="${alias}"`);
  });

  // Any API key may copy a model under a new name, ask it something and delete it: the series of
  // names that came and went must not stay for as long as the gateway runs.
  it('drops the series of a model once the fleet no longer serves it', async () => {
    const sim = fleet.sim('ollama');
    const client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const listed = async (id: string): Promise<boolean> => {
      const models = (await (await fetch(`${fleet.url}/v1/models`)).json()) as {
        data: { id: string }[];
      };
      return models.data.some((model) => model.id === id);
    };
    const passing = ['passing-1:latest', 'passing-2:latest'];
    for (const name of passing) {
      sim.addModel(name);
      await waitFor(() => listed(name), { description: `${name} served` });
      await client.chat.completions.create({ model: name, messages });
      sim.removeModel(name);
      await waitFor(async () => !(await listed(name)), { description: `${name} gone` });
    }
    await client.chat.completions.create({ model: MODEL, messages });

    const text = await (await fetch(`${fleet.url}/metrics`)).text();
    for (const name of passing) expect(text).not.toContain(`model="${name}"`);
    expect(text).toContain(
      `switchyard_gateway_requests_total{route="/v1/chat/completions",model="${MODEL}",status="200"}`,
    );
    expect(text).toContain(`switchyard_gateway_tokens_total{direction="out",model="${MODEL}"}`);
  });

  it('counts a request its client left as 499, and a failed one, under the model it was for', async () => {
    const sim = fleet.sim('ollama');
    const body = JSON.stringify({ model: MODEL, messages, stream: false });
    // The gateway (in this process) hears the worker take a request by its start frame.
    let starts = 0;
    const onFrame = (message: unknown) => {
      if ((message as FrameReceiveMessage).type === 'start') starts++;
    };
    subscribe(TRACING_CHANNELS.frameReceive, onFrame);
    sim.setFaults({ hangMs: -1 });
    try {
      const left = new AbortController();
      const call = fetch(`${fleet.url}/api/chat`, { method: 'POST', body, signal: left.signal });
      await waitFor(() => starts === 1, { description: 'the worker to take the request' });
      left.abort();
      await call.catch(() => undefined);
      sim.setFaults({ hangMs: 0, errorRate: 1 });
      const failed = await fetch(`${fleet.url}/api/chat`, { method: 'POST', body });
      expect(failed.status).toBeGreaterThanOrEqual(500);

      const line = (status: number) =>
        `switchyard_gateway_requests_total{route="/api/chat",model="${MODEL}",status="${status}"} 1`;
      await waitFor(
        async () => {
          const text = await (await fetch(`${fleet.url}/metrics`)).text();
          return text.includes(line(499)) && text.includes(line(failed.status));
        },
        { description: 'both requests counted under the model' },
      );
    } finally {
      unsubscribe(TRACING_CHANNELS.frameReceive, onFrame);
      sim.setFaults({ hangMs: 0, errorRate: 0 });
    }
  });
});
