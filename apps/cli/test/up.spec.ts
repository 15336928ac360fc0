import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { Subjects } from '@switchyard/contracts';
import { SERVICE_NODE_FLAGS } from '@switchyard/service';
import { connectNats, RequestStreamClient, type NatsConnection } from '@switchyard/nats';
import {
  freePorts,
  isProcessRunning,
  startServiceProcess,
  waitFor,
  type ServiceProcess,
} from '@switchyard/testing';
import { isListening } from '../src/stack/tcp-probe.js';

const cli = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** The services `up` runs, by the name each logs when it has started. */
const SERVICES = [
  'discovery',
  'orchestrator',
  'ollama-worker',
  'lmstudio-worker',
  'vllm-worker',
  'gateway',
];

/** The pid of every process of a service, from the line each logs once it has started. */
function startedPids(output: string, service: string): number[] {
  const started = new RegExp(`"pid":(\\d+),[^\\n]*"msg":"${service} started"`, 'g');
  return [...output.matchAll(started)].map((match) => Number(match[1]));
}

/** The pid of a service's first process; 0 before it has started. */
function startedPid(output: string, service: string): number {
  return startedPids(output, service)[0] ?? 0;
}

/** `switchyard up --sim on` on free ports, resolved once it says it is ready. */
async function startStack(options: { processGroup?: boolean } = {}): Promise<{
  stack: ServiceProcess;
  output: () => string;
  natsUrl: string;
  gatewayPort: number;
}> {
  const [port, gatewayPort] = (await freePorts(2)) as [number, number];
  const natsUrl = `nats://127.0.0.1:${port}`;
  const stack = startServiceProcess(cli, {
    args: ['up', '--sim', 'on'],
    env: {
      SWITCHYARD_NATS__SERVERS: natsUrl,
      SWITCHYARD_GATEWAY__PORT: String(gatewayPort),
    },
    ...options,
  });
  let output = '';
  stack.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  await waitFor(() => output.includes('switchyard: ready') || stack.child.exitCode !== null, {
    timeoutMs: 60_000,
    description: 'the stack to be ready',
  });
  expect(output).toContain('switchyard: ready');
  return { stack, output: () => output, natsUrl, gatewayPort };
}

// `switchyard up --sim on` on its own NATS port: the whole stack from one command.
describe('switchyard up', () => {
  let natsUrl: string;
  let gatewayUrl: string;
  let stack: ServiceProcess;
  let output: () => string;
  let nc: NatsConnection;

  beforeAll(async () => {
    const started = await startStack();
    ({ stack, output, natsUrl } = started);
    gatewayUrl = `http://127.0.0.1:${started.gatewayPort}`;
    nc = await connectNats({ servers: [natsUrl] }, { name: 'up-test' });
  }, 90_000);

  afterAll(async () => {
    await nc?.close();
    // Stopped as a user stops it, NATS server and all, when the test that does so did not run
    // (`-t` picks others): killed outright, `up` would leave its nats-server running.
    if (stack?.child.exitCode === null) await stack.stop('SIGTERM');
  }, 30_000);

  it('says loudly that the backends are simulated', () => {
    expect(output()).toMatch(/starting SIMULATED Ollama, LM Studio and vLLM/);
  });

  it("suggests a first chat with the Ollama simulator's model", async () => {
    await waitFor(() => output().includes('Ctrl-C stops everything'), {
      timeoutMs: 10_000,
      description: 'the ready banner',
    });
    expect(output()).toContain(`"model":"llama3.2:latest"`);
    expect(output()).toContain(`chat-over-nats.mjs llama3.2:latest "Say hello."`);
  });

  it.each([
    ['ollama', 'llama3.2:latest'],
    ['lmstudio', 'qwen2.5-7b-instruct'],
    ['vllm', 'Qwen/Qwen2.5-0.5B-Instruct'],
  ] as const)('answers a chat request for the %s sim over NATS', async (kind, model) => {
    const client = new RequestStreamClient(nc, { subjects: new Subjects(), idleTimeoutMs: 10_000 });
    const messages = [{ role: 'user' as const, content: 'Say hello.' }];
    const request = { id: `up-test-${kind}`, model, messages, timeout_ms: 20_000 };
    const result = await client.collect(new Subjects().chat(model, kind), request);
    expect(result.start.kind).toBe(kind);
    expect(result.text).toBe(expectedCompletion({ model, messages }).text);
  });

  it("starts nats-server with the Docker deployment's max_payload: a request is one message", () => {
    expect(nc.info?.max_payload).toBe(8 * 1024 * 1024);
  });

  it('serves the OpenAI API through the gateway', async () => {
    const messages = [{ role: 'user' as const, content: 'Say hello.' }];
    const response = await fetch(`${gatewayUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'llama3.2', messages }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe(
      expectedCompletion({ model: 'llama3.2:latest', messages }).text,
    );
  });

  it("runs every service's node with the services' flags", () => {
    for (const service of SERVICES) {
      const pid = startedPid(output(), service);
      expect({ service, pid: pid > 0 }).toEqual({ service, pid: true });
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const entry = argv.findIndex((arg) => arg.endsWith(`apps/${service}/dist/main.js`));
      expect({ service, flags: argv.slice(1, entry) }).toEqual({
        service,
        flags: [...SERVICE_NODE_FLAGS],
      });
    }
  });

  it('starts a service that died again, and its models answer again', async () => {
    const model = 'Qwen/Qwen2.5-0.5B-Instruct';
    const [first] = startedPids(output(), 'vllm-worker');
    process.kill(first as number, 'SIGKILL');
    await waitFor(() => startedPids(output(), 'vllm-worker').length === 2, {
      timeoutMs: 30_000,
      description: 'a second vllm-worker to start',
    });
    expect(output()).toMatch(
      /\[vllm-worker\] exited \(SIGKILL\)\n\[vllm-worker\] restarting in \d+\.\d s\n/,
    );
    const messages = [{ role: 'user' as const, content: 'Say hello.' }];
    let answer: Response | undefined;
    // The gateway learns of the new worker from NATS service discovery, within seconds.
    await waitFor(
      async () => {
        answer = await fetch(`${gatewayUrl}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ model, messages }),
        });
        return answer.status === 200;
      },
      { timeoutMs: 20_000, description: `a chat with ${model} to be answered` },
    );
    const body = (await answer?.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe(expectedCompletion({ model, messages }).text);
  }, 60_000);

  it('stops every process it started on SIGTERM and exits 0', async () => {
    const exit = await stack.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(output()).toContain('switchyard: stopped');
    const url = new URL(natsUrl);
    for (const port of [Number(url.port), Number(new URL(gatewayUrl).port), 11434, 1234, 8000]) {
      expect(await isListening('127.0.0.1', port)).toBe(false);
    }
    // The restarted worker too (when the test above ran): it took the first one's place.
    for (const pid of startedPids(output(), 'vllm-worker'))
      expect(isProcessRunning(pid)).toBe(false);
  }, 30_000);
});

// A terminal's Ctrl-C is a SIGINT to the whole foreground process group: `up` and, unless `up`
// keeps them apart, every process it started, all at once.
describe('switchyard up in a terminal', () => {
  it('stops in order on Ctrl-C: every service drains and exits 0', async () => {
    const { stack, output } = await startStack({ processGroup: true });
    try {
      process.kill(-(stack.child.pid as number), 'SIGINT');
      expect(await stack.exited).toEqual({ code: 0, signal: null });
    } finally {
      if (stack.child.exitCode === null) await stack.stop('SIGKILL');
    }
    expect(output()).toContain('switchyard: stopped');
    // `up` reports every child that exits with a signal or a code other than 0.
    expect(output()).not.toMatch(/\] exited \(/);
    expect(output()).not.toContain('second signal');
    for (const service of SERVICES) expect(output()).toContain(`"msg":"${service} stopped"`);
  }, 120_000);

  it('stops in order and exits 0 when the reader of its output goes away (`up | head`)', async () => {
    const [port, gatewayPort] = (await freePorts(2)) as [number, number];
    const stack = startServiceProcess(cli, {
      args: ['up', '--sim', 'on'],
      env: {
        SWITCHYARD_NATS__SERVERS: `nats://127.0.0.1:${port}`,
        SWITCHYARD_GATEWAY__PORT: String(gatewayPort),
      },
    });
    // As `head -1` does: read the first chunk, then close the pipe. Start-up has many more lines
    // to write, and the first of them fails with EPIPE.
    let first = '';
    stack.child.stdout?.once('data', (chunk: Buffer) => {
      first = chunk.toString('utf8');
      stack.child.stdout?.destroy();
    });
    try {
      await waitFor(() => stack.child.exitCode !== null, {
        timeoutMs: 90_000,
        description: 'up to stop after its output was closed',
      });
      expect(first).toContain('[nats]');
      expect(await stack.exited).toEqual({ code: 0, signal: null });
      expect(stack.stderr()).toBe('');
      for (const listening of [port, gatewayPort, 11434, 1234, 8000]) {
        expect(await isListening('127.0.0.1', listening)).toBe(false);
      }
    } finally {
      if (stack.child.exitCode === null) await stack.stop('SIGKILL');
    }
  }, 120_000);

  it('leaves nothing serving when it is killed outright: its services and sims stop alone', async () => {
    const { stack, output, gatewayPort } = await startStack();
    // nats-server knows no parent; the test stops it itself. Its log lines start with its pid.
    const natsPid = Number(/\[nats\] \[(\d+)\]/.exec(output())?.[1]);
    const simPorts = [
      ...output().matchAll(/backend sim-\w+ \(\w+\) at http:\/\/127\.0\.0\.1:(\d+)/g),
    ].map((match) => Number(match[1]));
    const servicePids = SERVICES.map((service) => startedPid(output(), service));
    try {
      expect(simPorts).toHaveLength(3);
      expect(servicePids.every((pid) => pid > 0)).toBe(true);
      await stack.stop('SIGKILL');
      await waitFor(() => !servicePids.some(isProcessRunning), {
        timeoutMs: 15_000,
        description: 'every service to stop after up was killed',
      });
      for (const port of [gatewayPort, ...simPorts]) {
        await waitFor(async () => !(await isListening('127.0.0.1', port)), {
          timeoutMs: 15_000,
          description: `nothing listening on port ${port} after up was killed`,
        });
      }
    } finally {
      if (natsPid > 0) process.kill(natsPid, 'SIGTERM');
      // `up` could not remove the JetStream store of a server it never stopped.
      const store = /Store Directory: +"([^"]+)\/jetstream"/.exec(output())?.[1];
      if (store !== undefined) {
        await waitFor(() => !isProcessRunning(natsPid), {
          timeoutMs: 10_000,
          description: 'nats-server to stop',
        });
        rmSync(store, { recursive: true, force: true });
      }
    }
  }, 120_000);
});

describe('switchyard usage errors', () => {
  it('exits 2 with a one-line error for an unknown command or option', async () => {
    const unknown = startServiceProcess(cli, { args: ['bogus'] });
    expect((await unknown.exited).code).toBe(2);
    expect(unknown.stderr()).toMatch(/^switchyard: unknown command "bogus"/);

    const badSim = startServiceProcess(cli, { args: ['up', '--sim', 'maybe'] });
    expect((await badSim.exited).code).toBe(2);
    expect(badSim.stderr()).toMatch(/--sim takes auto, on or off \(got "maybe"\)/);
  });

  it('exits 69 naming the address when something that is not NATS holds the NATS port', async () => {
    // A plain TCP server that accepts connections and says nothing, as no NATS server would.
    const server = createServer(() => undefined);
    const port = await new Promise<number>((resolve) =>
      server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
    try {
      const run = startServiceProcess(cli, {
        args: ['up'],
        env: { SWITCHYARD_NATS__SERVERS: `nats://127.0.0.1:${port}` },
      });
      expect((await run.exited).code).toBe(69);
      expect(run.stderr()).toBe(
        `switchyard: 127.0.0.1:${port} accepts connections but is not a NATS server (it sent no ` +
          'INFO greeting); stop what listens there or set nats.servers to a NATS server\n',
      );
    } finally {
      server.close();
    }
  });

  it('exits 78 naming a managed backend with no command, before it starts anything', async () => {
    const [natsPort, gatewayPort] = (await freePorts(2)) as [number, number];
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-up-invalid-'));
    const configFile = join(dir, 'switchyard.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        nats: { servers: [`nats://127.0.0.1:${natsPort}`] },
        gateway: { port: gatewayPort },
        backends: [{ id: 'lms', kind: 'lmstudio', url: 'http://127.0.0.1:9', mode: 'managed' }],
      }),
    );
    const run = startServiceProcess(cli, {
      args: ['up', '--sim', 'off', '--config', configFile],
      env: { TMPDIR: dir },
    });
    let output = '';
    run.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    try {
      // Bounded, so that a stack which comes up after all is stopped below, not left running.
      await waitFor(() => run.child.exitCode !== null, {
        timeoutMs: 60_000,
        description: 'up to give up',
      });
      expect((await run.exited).code).toBe(78);
      // The configuration's check refuses it, as every service's would: no NATS server and no
      // service was started only to stop again.
      expect(run.stderr()).toMatch(/^switchyard: invalid configuration /);
      expect(run.stderr()).toContain(
        '  - backends[0].command: a managed LM Studio backend needs a `command` that stays in the foreground',
      );
      expect(output).toBe('');
    } finally {
      if (run.child.exitCode === null) await run.stop('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('says how to install nats-server when none answers and the binary is missing', async () => {
    const [port] = await freePorts(1);
    const run = startServiceProcess(cli, {
      args: ['up'],
      env: { PATH: '/nonexistent', SWITCHYARD_NATS__SERVERS: `nats://127.0.0.1:${port}` },
    });
    expect((await run.exited).code).toBe(69);
    expect(run.stderr()).toMatch(
      /nats-server was not found on PATH[\s\S]*apt-get install nats-server/,
    );
  });
});
