import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { expectedCompletion } from '@switchyard/backend-sim';
import { BACKEND_KINDS, Subjects } from '@switchyard/contracts';
import { PROCESS_HOOK_TIMEOUT_MS, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import OpenAI from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';
import { GatewayLog } from './support/gateway-log.js';

const MODEL = 'llama3.2:latest';
const GHOST = 'ghost:latest';
// The fleet's workers heartbeat every 250 ms, and so send a first frame within 250 ms.
const HEARTBEAT_INTERVAL_MS = 250;
const FIRST_FRAME_TIMEOUT_MS = 750;
// The most the gateway allows: a request all of whose tries the hung worker takes (each time a
// toss of a coin) is then one in a thousand.
const MAX_ATTEMPTS = 10;
const messages = [{ role: 'user' as const, content: 'Name a river.' }];

// A worker that hangs (stopped, deadlocked) keeps its queue-group subscription, and NATS keeps
// giving it its share of requests, which it never answers. The gateway gives up on each after
// the first-frame timeout, long before the idle timeout, and tries again: the answer comes from
// the worker that works.
describe('a hung worker', () => {
  let fleet: Fleet;
  let hung: NatsConnection;
  const taken = new Map<string, number>();
  /** The gateway's log lines (it runs in this process and logs JSON to stdout). */
  const log = new GatewayLog();
  const logged = log.lines;
  const client = () => new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });

  beforeAll(async () => {
    log.start();
    fleet = await startFleet({
      backends: [{ kind: 'ollama' }],
      gateway: {
        first_frame_timeout_ms: FIRST_FRAME_TIMEOUT_MS,
        // Far beyond the tests' own bounds: only the first-frame timeout can end a silent try.
        stream_idle_timeout_ms: 60_000,
        retries: { max_attempts: MAX_ATTEMPTS, initial_backoff_ms: 10, max_backoff_ms: 50 },
      },
      // What the gateway checks its first-frame timeout against.
      config: {
        log: { level: 'warn', format: 'json' },
        workers: Object.fromEntries(
          BACKEND_KINDS.map((kind) => [kind, { heartbeat_interval_ms: HEARTBEAT_INTERVAL_MS }]),
        ),
      },
    });
    const subjects = new Subjects();
    hung = await connect({ servers: fleet.nats.url, name: 'hung-worker' });
    for (const model of [MODEL, GHOST]) {
      hung.subscribe(subjects.inference('chat', model), {
        queue: subjects.workerQueue,
        callback: () => void taken.set(model, (taken.get(model) ?? 0) + 1),
      });
    }
    await hung.flush();
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await hung?.close();
    await fleet?.close();
    log.stop();
  });

  it('costs a request the first-frame timeout per try it takes, not the idle timeout', async () => {
    // Only the hung worker takes this model's requests: every try goes to it.
    const startedAt = performance.now();
    const error = await client()
      .chat.completions.create({ model: GHOST, messages })
      .then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
    const elapsedMs = performance.now() - startedAt;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({
      status: 502,
      code: 'stream_interrupted',
      message: expect.stringContaining(
        `no frame within ${FIRST_FRAME_TIMEOUT_MS} ms of sending the request: the worker that took it did not answer`,
      ),
    });
    expect(taken.get(GHOST)).toBe(MAX_ATTEMPTS);
    // Each broken-off try is a warning an operator sees, naming the model and the reason.
    const warnings = logged.filter((line) => line['msg'] === 'a worker broke off the answer');
    expect(warnings).toHaveLength(MAX_ATTEMPTS);
    expect(warnings[0]).toMatchObject({
      level: 40,
      model: GHOST,
      err: { code: 'stream_interrupted' },
    });
    expect(elapsedMs).toBeLessThan(MAX_ATTEMPTS * FIRST_FRAME_TIMEOUT_MS + SCHEDULING_SLACK_MS);
  }, 60_000);

  it('leaves the answer to the working worker beside it', async () => {
    // NATS hands a queue group's requests out at random: ask until the hung worker took one.
    const text = expectedCompletion({ model: MODEL, messages }).text;
    for (let asked = 0; asked < 40 && (taken.get(MODEL) ?? 0) === 0; asked++) {
      const answer = await client().chat.completions.create({ model: MODEL, messages });
      expect(answer.choices[0]?.message.content).toBe(text);
    }
    expect(taken.get(MODEL)).toBeGreaterThan(0);
  }, 60_000);
});
