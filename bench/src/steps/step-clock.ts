// The harness's side of the step clock (hooks/step-clock-hook.ts): how a process is started with
// it, and one recording across the processes of a path.
import { readFileSync, rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { benchDist } from '../paths.js';
import type { ManagedChild } from '../proc/managed-child.js';
import { stepChannels, type StepEvent, type StepRole } from './step-timelines.js';

const SIGNAL_TIMEOUT_MS = 10_000;

/** Node arguments and environment that preload the step clock into a process. */
export function stepClockPreload(): { args: string[]; env: Record<string, string> } {
  return {
    args: ['--import', pathToFileURL(benchDist('hooks', 'step-clock-hook.js')).href],
    env: { BENCH_STEP_CHANNELS: JSON.stringify(stepChannels()) },
  };
}

/**
 * Records the steps of every request the processes handle while `run` runs: starts each one's
 * clock, runs, stops them, and returns what they recorded, each event named by its process.
 */
export async function recordSteps(
  processes: Readonly<Record<StepRole, ManagedChild>>,
  run: () => Promise<void>,
): Promise<StepEvent[]> {
  const all = Object.entries(processes) as [StepRole, ManagedChild][];
  await Promise.all(
    all.map(([, child]) => signalled(child, '"event":"bench-steps-recording"', 'its step clock')),
  );
  const stopAll = (): Promise<string[]> =>
    Promise.all(
      all.map(([, child]) => signalled(child, '"event":"bench-steps"', 'its recorded steps')),
    );
  try {
    await run();
  } catch (error) {
    // Stopped even so: a clock left on would record the next scenario's requests.
    await stopAll().catch(() => undefined);
    throw error;
  }
  const written = await stopAll();
  return all.flatMap(([role], i) => readSteps(role, written[i] as string));
}

/** Sends SIGUSR2 and waits for the line the step clock answers with. */
function signalled(child: ManagedChild, marker: string, what: string): Promise<string> {
  const line = child.waitForLine((text) => text.includes(marker), SIGNAL_TIMEOUT_MS, what);
  child.child.kill('SIGUSR2');
  return line;
}

function readSteps(role: StepRole, line: string): StepEvent[] {
  const { file } = JSON.parse(line) as { file: string };
  const { steps } = JSON.parse(readFileSync(file, 'utf8')) as { steps: [string, string][] };
  rmSync(file, { force: true });
  return steps.map(([channel, ns]) => ({ role, channel, ns: BigInt(ns) }));
}
