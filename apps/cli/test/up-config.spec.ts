import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { Subjects, SwitchyardError, type SwitchyardConfigInput } from '@switchyard/contracts';
import { connectNats, RequestStreamClient, type NatsConnection } from '@switchyard/nats';
import { freePorts, streamInFlight, waitFor } from '@switchyard/testing';
import { simCommand } from './support/fleet-bed.js';
import { runCli } from './support/run-cli.js';
import { UpStack } from './support/up-stack.js';

const MODEL = 'guarded-model';
const KEY = 'up-test-key';
/** The key the gateway asks its clients for. */
const GATEWAY_KEY_HASH = createHash('sha256').update('sy-up-config').digest('hex');
/** Above the 15 s `up` used to allow every child to stop, whatever the configuration said. */
const GRACE_MS = 25_000;
/** 40 tokens at 2 a second: an answer still streaming 15 s after `up` is told to stop. */
const ANSWER_TOKENS = 40;
const SLOW = ['--tokens-per-second', '2', '--answer-tokens', String(ANSWER_TOKENS)];
const MESSAGES = [{ role: 'user' as const, content: 'Tell me a story.' }];

// `switchyard up --sim on --config FILE` with a backend that needs every field the file gives
// it: `managed` with a `command` (the orchestrator starts it), an `api_key` (the vLLM sim refuses
// requests without it), its `models`, a concurrency limit with no queue; and a shutdown grace
// period longer than the answers in flight. `up` adds its simulators to that backend.
describe('switchyard up with a configuration file', () => {
  let stack: UpStack;
  let gatewayUrl: string;
  let nc: NatsConnection;
  let client: RequestStreamClient;
  const subjects = new Subjects();
  const request = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    model: MODEL,
    messages: MESSAGES,
    timeout_ms: 60_000,
    ...extra,
  });

  beforeAll(async () => {
    const [natsPort, gatewayPort, simPort] = (await freePorts(3)) as [number, number, number];
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const sim = simCommand('vllm', simPort) as { program: string; args: string[] };
    const config: SwitchyardConfigInput = {
      nats: { servers: [`nats://127.0.0.1:${natsPort}`] },
      gateway: { port: gatewayPort, api_key_hashes: [GATEWAY_KEY_HASH] },
      shutdown: { grace_ms: GRACE_MS },
      // The services log no "started" line at warn: they say so to `up` over IPC.
      log: { level: 'warn' },
      orchestrator: { ready_poll_ms: 100 },
      workers: { vllm: { refresh_interval_ms: 300 } },
      backends: [
        {
          id: 'guarded',
          kind: 'vllm',
          url: `http://127.0.0.1:${simPort}`,
          mode: 'managed',
          command: {
            program: sim.program,
            args: [...sim.args, '--api-key', KEY, '--models', MODEL, ...SLOW],
          },
          api_key: KEY,
          models: [MODEL],
          max_concurrency: 1,
          queue_size: 0,
        },
      ],
    };
    // The banner's last line: the request to try comes after the workers said what they serve.
    stack = await UpStack.start('up-config', config, ['--sim', 'on']);
    expect(stack.output()).toContain('switchyard: ready');
    expect(stack.output()).not.toContain('gateway started');
    nc = await connectNats({ servers: [`nats://127.0.0.1:${natsPort}`] }, { name: 'up-config' });
    client = new RequestStreamClient(nc, { subjects, idleTimeoutMs: 10_000 });
  }, 90_000);

  afterAll(async () => {
    await nc?.close();
    await stack?.close();
  }, 60_000);

  const cli = (args: string[]) => runCli(args, { env: { SWITCHYARD_CONFIG: stack.configFile } });

  it('shows the request to try with the API key the gateway asks for', () => {
    expect(stack.output()).toContain(
      `switchyard: try: curl ${gatewayUrl}/v1/chat/completions -H 'Authorization: Bearer <your key>' -d '{`,
    );
  });

  it('gives the orchestrator the managed backend with its command, beside the simulators', async () => {
    const status = await cli(['status', '--json']);
    const backends = (
      JSON.parse(status.stdout) as { backends: { backend: string; mode: string }[] }
    ).backends;
    expect(backends.map(({ backend, mode }) => [backend, mode])).toEqual([
      ['guarded', 'managed'],
      ['sim-ollama', 'external'],
      ['sim-lmstudio', 'external'],
      ['sim-vllm', 'external'],
    ]);
    const start = await cli(['start', 'guarded']);
    expect(start).toMatchObject({ code: 0, stderr: '' });
    expect(start.stdout).toMatch(/^guarded ready \(pid \d+, managed\)/);
  }, 60_000);

  it("gives the vLLM worker the backend's api_key and models", async () => {
    await waitFor(
      async () => {
        const models = await cli(['models', '--json']);
        return models.stdout.includes(MODEL);
      },
      { timeoutMs: 20_000, description: `the worker to serve ${MODEL}` },
    );
    const result = await client.collect(
      subjects.chat(MODEL, 'vllm'),
      request('up-config-short', { max_tokens: 2 }),
    );
    expect(result.start.backend).toBe('guarded');
    expect(result.text.length).toBeGreaterThan(0);
  }, 60_000);

  it('lets the answer in flight finish within shutdown.grace_ms, then removes its JetStream store', async () => {
    expect(
      readdirSync(stack.tmp).filter((name) => name.startsWith('switchyard-nats-')),
    ).toHaveLength(1);
    const answer = streamInFlight(client.stream(subjects.chat(MODEL, 'vllm'), request('up-long')));
    await answer.firstDelta;
    // max_concurrency 1 and queue_size 0 reached the worker: a second request is refused.
    await expect(
      client.collect(subjects.chat(MODEL, 'vllm'), request('up-second')),
    ).rejects.toMatchObject({ code: 'overloaded' } satisfies Partial<SwitchyardError>);

    const exit = stack.service.stop('SIGTERM');
    const { text } = await answer.done;
    expect(text).toBe(
      expectedCompletion({ model: MODEL, messages: MESSAGES, answerTokens: ANSWER_TOKENS }).text,
    );
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(stack.output()).toContain('switchyard: stopped');
    expect(stack.output()).not.toMatch(/\] exited \(/);
    expect(readdirSync(stack.tmp)).toEqual([]);
  }, 90_000);
});
