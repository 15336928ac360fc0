import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subjects } from '@switchyard/contracts';
import type { PathName, Target } from '../load/jobs.js';
import type { ManagedChild } from '../proc/managed-child.js';
import { countSubscriptions, startNats, type BenchNats } from './nats.js';
import { startPortkey, type BenchPortkey } from './portkey.js';
import { startSim, type BenchSim, type SimSpec } from './sim.js';
import { startGateway, startWorker, type BenchGateway } from './switchyard.js';

const READY_TIMEOUT_MS = 30_000;

/** What stays up for the whole run: NATS, one Switchyard gateway and the Portkey gateway. */
export interface BenchStack {
  dir: string;
  nats: BenchNats;
  gateway: BenchGateway;
  portkey: BenchPortkey;
  /** Where the Switchyard services write CPU profiles (`--cpu-prof`), if anywhere. */
  cpuProfDir: string | undefined;
  stop(): Promise<void>;
}

export async function startStack(cpuProfDir?: string): Promise<BenchStack> {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-bench-'));
  const nats = await startNats();
  const gateway = await startGateway(dir, nats.url, cpuProfDir);
  const portkey = await startPortkey();
  return {
    dir,
    nats,
    gateway,
    portkey,
    cpuProfDir,
    async stop() {
      await portkey.process.stop();
      await gateway.process.stop();
      await nats.process.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface BackendSpec {
  /** The model the simulators serve; one per scenario, so no two scenarios share a worker. */
  model: string;
  /** Simulator + worker pairs. */
  pairs: number;
  sim: Omit<SimSpec, 'name' | 'model'>;
  /** The worker's `max_concurrency` and `queue_size` for its simulator. */
  workerConcurrency: number;
  workerQueue: number;
}

/** The simulators and workers of one scenario, and how each path reaches them. */
export interface ScenarioBackends {
  model: string;
  sims: BenchSim[];
  workers: ManagedChild[];
  targets: Record<PathName, Target>;
  /** A chat request body for this model. */
  body(extra?: Record<string, unknown>): string;
  stop(): Promise<void>;
}

export async function startBackends(
  stack: BenchStack,
  spec: BackendSpec,
): Promise<ScenarioBackends> {
  const sims: BenchSim[] = [];
  const workers: ManagedChild[] = [];
  const stop = async (): Promise<void> => {
    for (const worker of workers) await worker.stop();
    for (const sim of sims) await sim.process.stop();
  };
  try {
    for (let i = 0; i < spec.pairs; i++) {
      sims.push(await startSim({ ...spec.sim, name: `sim ${spec.model}-${i}`, model: spec.model }));
    }
    for (const [i, sim] of sims.entries()) {
      workers.push(
        await startWorker(
          stack.dir,
          stack.nats.url,
          {
            id: `${spec.model}-${i}`,
            url: sim.url,
            maxConcurrency: spec.workerConcurrency,
            queueSize: spec.workerQueue,
          },
          stack.cpuProfDir,
        ),
      );
    }
    await waitForSubscriptions(stack.nats, spec.model, spec.pairs);
    const backends: ScenarioBackends = {
      model: spec.model,
      sims,
      workers,
      targets: targetsFor(stack, sims),
      body: (extra = {}) =>
        JSON.stringify({
          model: spec.model,
          messages: [{ role: 'user', content: 'Benchmark request: tell me about the weather.' }],
          ...extra,
        }),
      stop,
    };
    await checkEveryPath(backends);
    return backends;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Waits until every worker has subscribed to the model's chat subject in the worker queue. */
async function waitForSubscriptions(nats: BenchNats, model: string, count: number): Promise<void> {
  const subjects = new Subjects();
  const subject = subjects.chat(model);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const found = await countSubscriptions(nats, subject, subjects.workerQueue);
    if (found >= count) return;
    if (Date.now() > deadline) {
      throw new Error(
        `only ${found} of ${count} workers subscribed to ${subject} after ${READY_TIMEOUT_MS} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function targetsFor(stack: BenchStack, sims: BenchSim[]): Record<PathName, Target> {
  const chat = '/v1/chat/completions';
  const portkeyHeaders: Record<string, string> =
    sims.length === 1
      ? {
          'x-portkey-provider': 'openai',
          'x-portkey-custom-host': `${(sims[0] as BenchSim).url}/v1`,
          authorization: 'Bearer bench',
        }
      : {
          // Portkey's own load balancing across the simulators, equal weights.
          'x-portkey-config': JSON.stringify({
            strategy: { mode: 'loadbalance' },
            targets: sims.map((sim) => ({
              provider: 'openai',
              custom_host: `${sim.url}/v1`,
              api_key: 'bench',
              weight: 1,
            })),
          }),
        };
  return {
    direct: { path: 'direct', urls: sims.map((sim) => `${sim.url}${chat}`), headers: {} },
    portkey: { path: 'portkey', urls: [`${stack.portkey.url}${chat}`], headers: portkeyHeaders },
    switchyard: { path: 'switchyard', urls: [`${stack.gateway.url}${chat}`], headers: {} },
  };
}

/** One request through each path (also the first warm-up); fails naming the path that does not answer. */
async function checkEveryPath(backends: ScenarioBackends): Promise<void> {
  for (const target of Object.values(backends.targets)) {
    for (const url of target.urls) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { ...target.headers, 'content-type': 'application/json' },
        body: backends.body({ max_tokens: 2 }),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (response.status !== 200) {
        throw new Error(
          `the ${target.path} path answered ${response.status}: ${text.slice(0, 500)}`,
        );
      }
    }
  }
}

/** The direct answer for a body (non-streamed): what every streamed answer must add up to. */
export async function directAnswer(
  backends: ScenarioBackends,
  body: string,
): Promise<{ text: string; completionTokens: number }> {
  const url = backends.targets.direct.urls[0] as string;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  const answer = (await response.json()) as {
    choices: { message: { content: string } }[];
    usage: { completion_tokens: number };
  };
  return {
    text: answer.choices[0]?.message.content ?? '',
    completionTokens: answer.usage.completion_tokens,
  };
}
