import { SERVICE_NODE_FLAGS } from '@switchyard/service';
import type { PathOrRelay, Target } from '../load/jobs.js';
import { benchDist } from '../paths.js';
import { ManagedChild } from '../proc/managed-child.js';
import { stepClockPreload } from '../steps/step-clock.js';
import type { ScenarioBackends } from './bench-stack.js';

const START_TIMEOUT_MS = 30_000;

/** Switchyard's hops with nothing in them (`src/relay`): an HTTP half and a NATS half. */
export interface BenchRelay {
  /** Where whole answers are asked for. */
  url: string;
  /** Where streamed answers are asked for. */
  streamUrl: string;
  gateway: ManagedChild;
  worker: ManagedChild;
  stop(): Promise<void>;
}

/**
 * Starts the relay's worker for one scenario's model (calling `backendUrl`), then its gateway.
 * Its subjects are apart from every subject of Switchyard's protocol.
 */
async function startRelay(natsUrl: string, model: string, backendUrl: string): Promise<BenchRelay> {
  const subject = `bench.relay.${model}`;
  const clock = stepClockPreload();
  const node = (name: string, file: string, args: string[]): ManagedChild =>
    new ManagedChild({
      name,
      command: process.execPath,
      env: clock.env,
      // The services' own flags: the relay stands for the design, not for a garbage collector's
      // settings.
      args: [
        ...SERVICE_NODE_FLAGS,
        ...clock.args,
        benchDist('relay', file),
        ...['--nats', natsUrl, '--subject', subject, ...args],
      ],
    });
  const worker = node('relay worker', 'relay-worker.js', ['--backend', backendUrl]);
  try {
    await worker.waitForLine((line) => line.includes('"event":"ready"'), START_TIMEOUT_MS, 'ready');
  } catch (error) {
    await worker.stop();
    throw error;
  }
  const gateway = node('relay gateway', 'relay-gateway.js', []);
  try {
    const line = await gateway.waitForLine(
      (text) => text.includes('"event":"listening"'),
      START_TIMEOUT_MS,
      'a "listening" line',
    );
    const { url } = JSON.parse(line) as { url: string };
    return {
      url,
      streamUrl: `${url}/stream`,
      gateway,
      worker,
      async stop() {
        await gateway.stop();
        await worker.stop();
      },
    };
  } catch (error) {
    await gateway.stop();
    await worker.stop();
    throw error;
  }
}

/** A scenario's backends with the relay beside them, and every path's target. */
export interface RelayedBackends {
  relay: BenchRelay;
  targets: Record<PathOrRelay, Target>;
}

/**
 * Starts a relay to the scenario's first simulator, for whole answers or streamed ones; when it
 * cannot start, stops the scenario's backends too, so the caller has nothing to clean up.
 */
export async function addRelay(
  natsUrl: string,
  backends: ScenarioBackends,
  streamed: boolean,
): Promise<RelayedBackends> {
  const sim = backends.sims[0];
  try {
    if (sim === undefined) throw new Error('the relay needs a simulator to call');
    const relay = await startRelay(natsUrl, backends.model, `${sim.url}/v1/chat/completions`);
    const url = streamed ? relay.streamUrl : relay.url;
    return {
      relay,
      targets: { ...backends.targets, relay: { path: 'relay', urls: [url], headers: {} } },
    };
  } catch (error) {
    await backends.stop();
    throw error;
  }
}
