import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { TRACING_CHANNELS, type FrameReceiveMessage } from '@switchyard/nats';
import { pauseProcess, PROCESS_HOOK_TIMEOUT_MS, resumeProcess, waitFor } from '@switchyard/testing';
import OpenAI from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';
import { GatewayLog } from './support/gateway-log.js';

const MODEL = 'llama3.2:latest';
const messages = [{ role: 'user' as const, content: 'Count slowly.' }];
const WARN = 40;

// Once a first token has gone out nothing is tried again, and a worker that dies then is dead:
// it logs nothing. The client's answer breaks off after the idle timeout, and the gateway's log
// is the only place that can say so, under the client's request id, naming the worker and the
// backend that broke off.
describe('a worker that dies in the middle of a streamed answer', () => {
  let fleet: Fleet;
  /** The gateway's log lines (it runs in this process and logs JSON to stdout). */
  const log = new GatewayLog();
  const logged = log.lines;

  beforeAll(async () => {
    log.start();
    fleet = await startFleet({
      backends: [{ kind: 'ollama', sim: { tokensPerSecond: 5 } }],
      // Well above the workers' 250 ms heartbeats: only a worker that is gone goes silent.
      gateway: { stream_idle_timeout_ms: 1_500 },
      config: { log: { level: 'warn', format: 'json' } },
    });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await fleet?.close();
    log.stop();
  });

  it('is a warning naming the request, the worker and the backend', async () => {
    const client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const { data: stream, response } = await client.chat.completions
      .create({ model: MODEL, messages, stream: true })
      .withResponse();
    const requestId = response.headers.get('x-request-id');
    const broken = await (async () => {
      let chunks = 0;
      for await (const _chunk of stream) {
        if (++chunks === 2) await fleet.workers[0]?.stop('SIGKILL');
      }
    })().catch((error: unknown) => error);
    expect(broken).toMatchObject({ code: 'stream_interrupted' });

    const warnings = logged.filter(
      (line) => line['request_id'] === requestId && Number(line['level']) >= WARN,
    );
    expect(warnings).toEqual([
      expect.objectContaining({
        msg: 'a worker broke off the answer',
        model: MODEL,
        worker: expect.stringMatching(/^ollama-worker-/),
        backend: 'ollama-0',
      }),
    ]);
  });
});

// A worker that froze after it took a request (its start frame came), before the first token:
// the try breaks off at the idle timeout, and the warning names the worker that had taken it.
describe('a worker that freezes after taking a request', () => {
  let fleet: Fleet;
  const log = new GatewayLog();
  const logged = log.lines;

  beforeAll(async () => {
    log.start();
    fleet = await startFleet({
      backends: [{ kind: 'ollama' }],
      gateway: { stream_idle_timeout_ms: 1_500, retries: { max_attempts: 1 } },
      config: { log: { level: 'warn', format: 'json' } },
    });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await fleet?.close();
    log.stop();
  });

  it('is a warning naming the worker and the backend that had taken it', async () => {
    const worker = fleet.workers[0];
    const pid = worker?.child.pid;
    if (pid === undefined) throw new Error('no worker process');
    let starts = 0;
    const onFrame = (message: unknown) => {
      if ((message as FrameReceiveMessage).type === 'start') starts++;
    };
    subscribe(TRACING_CHANNELS.frameReceive, onFrame);
    fleet.sim('ollama').setFaults({ hangMs: -1 });
    try {
      const client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
      const answer = client.chat.completions
        .create({ model: MODEL, messages })
        .withResponse()
        .catch((error: unknown) => error);
      await waitFor(() => starts === 1, { description: 'the worker to take the request' });
      await pauseProcess(pid);
      expect(await answer).toMatchObject({ code: 'stream_interrupted' });
    } finally {
      resumeProcess(pid);
      unsubscribe(TRACING_CHANNELS.frameReceive, onFrame);
      fleet.sim('ollama').setFaults({ hangMs: 0 });
    }
    const warnings = logged.filter((line) => line['msg'] === 'a worker broke off the answer');
    expect(warnings).toEqual([
      expect.objectContaining({
        level: WARN,
        model: MODEL,
        worker: expect.stringMatching(/^ollama-worker-/),
        backend: 'ollama-0',
      }),
    ]);
  });
});
