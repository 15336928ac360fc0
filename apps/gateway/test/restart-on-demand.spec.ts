import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chatRequestSchema, statusAnswerSchema, Subjects } from '@switchyard/contracts';
import { StreamServer } from '@switchyard/nats';
import { pauseProcess, resumeProcess } from '@switchyard/testing';
import OpenAI from 'openai';
import { startOrchestratedFleet, type OrchestratedFleet } from './support/orchestrated-fleet.js';

/** Well beyond what the gateway's three tries take (100 and 200 ms of backoff), even at −20 %. */
const RESTART_AFTER_MS = 3_000;

// A managed backend that crashed is restarted after a backoff. Until its worker's next refresh
// (5 s by default), or discovery's next check, the worker still serves its models: a request in
// that window finds a backend that does not answer, where it used to fail with 503.

function startFleet(gateway: Record<string, unknown> = {}): Promise<OrchestratedFleet> {
  return startOrchestratedFleet({
    orchestrator: { restart: { initial_backoff_ms: RESTART_AFTER_MS } },
    worker: { refresh_interval_ms: 60_000 },
    gateway,
  });
}

const ask = (openai: OpenAI) =>
  openai.chat.completions.create({
    model: 'llama3.2',
    messages: [{ role: 'user', content: 'Say hello' }],
  });

/**
 * Kills the managed backend once the orchestrator has it ready, and runs `during` while it waits
 * for its restart. Discovery is paused meanwhile, so it has not seen the crash whenever a request
 * comes: the worker keeps the model.
 */
async function whileCrashed(fleet: OrchestratedFleet, during: () => Promise<void>): Promise<void> {
  const reply = await fleet.nc.request(new Subjects().orchestrator('status'), '{}', {
    timeout: 5_000,
  });
  const [backend] = statusAnswerSchema.parse(reply.json()).backends;
  expect(backend).toMatchObject({ state: 'ready', pid: expect.any(Number) });
  const before = fleet.events.length;
  const discovery = fleet.discovery.child.pid as number;
  await pauseProcess(discovery);
  try {
    process.kill(backend?.pid as number, 'SIGKILL');
    await fleet.waitForEvent('restarting', before);
    await during();
  } finally {
    resumeProcess(discovery);
  }
}

async function startsOnDemand(fleet: OrchestratedFleet): Promise<string | undefined> {
  const metrics = await (await fetch(`${fleet.url}/metrics`)).text();
  return /switchyard_gateway_starts_on_demand_total (\d+)/.exec(metrics)?.[1];
}

describe('a request that finds its managed backend crashed', () => {
  let fleet: OrchestratedFleet;
  let openai: OpenAI;

  beforeAll(async () => {
    fleet = await startFleet();
    openai = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await fleet?.close();
  });

  it('waits for the orchestrator to restart it, and is answered', async () => {
    // Started on demand; the worker lists the model once discovery sees the backend up.
    expect((await ask(openai)).choices[0]?.message.content?.length).toBeGreaterThan(0);
    const before = fleet.events.length;

    await whileCrashed(fleet, async () => {
      const completion = await ask(openai);
      expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
    });

    expect(fleet.events.slice(before).map((event) => event.state)).toEqual([
      'crashed',
      'restarting',
      'starting',
      'ready',
    ]);
    // The first request's start, and the restart the second one waited for.
    expect(await startsOnDemand(fleet)).toBe('2');
  });
});

describe('a request that finds its managed backend crashed, with a fallback model', () => {
  let fleet: OrchestratedFleet;
  let openai: OpenAI;
  let standIn: StreamServer;

  beforeAll(async () => {
    fleet = await startFleet({ fallbacks: { 'llama3.2': ['stand-in'] } });
    const subjects = new Subjects();
    standIn = new StreamServer(fleet.nc, {
      subjects,
      workerId: 'stand-in-worker',
      heartbeatIntervalMs: 1_000,
      defaultTimeoutMs: 10_000,
    });
    standIn.serve(
      subjects.chat('stand-in'),
      { schema: chatRequestSchema, queue: subjects.workerQueue },
      async (_request, ctx) => {
        ctx.start({ kind: 'ollama', backend: 'stand-in' });
        ctx.send({ type: 'delta', text: 'from the stand-in' });
        return { finish_reason: 'stop', usage: { prompt_tokens: 1, completion_tokens: 3 } };
      },
    );
    await fleet.nc.flush();
    openai = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await standIn?.stop({ graceMs: 0 });
    await fleet?.close();
  });

  it('falls back at once rather than wait for the restart', async () => {
    expect((await ask(openai)).choices[0]?.message.content).not.toBe('from the stand-in');

    await whileCrashed(fleet, async () => {
      const completion = await ask(openai);
      expect(completion.choices[0]?.message.content).toBe('from the stand-in');
      // Answered before the backend came back.
      expect(fleet.events.at(-1)?.state).toBe('restarting');
    });

    expect(await startsOnDemand(fleet)).toBe('1');
  });
});
