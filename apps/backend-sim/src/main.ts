#!/usr/bin/env node
// The CLI entry: `node apps/backend-sim/dist/main.js --kind ollama|lmstudio|vllm [options]`.
// Prints one JSON line per life event on stdout so a parent process can find a port-0 sim.
import { COMMAND_VARIABLE, parseCliArgs, usage } from './core/cli-args.js';
import { SimOptionsError } from './core/sim-errors.js';
import { startSimulator, type RunningSimulator } from './simulator.js';

const EXIT_USAGE = 2;
/** How often a sim started with --parent-pid checks that its supervisor is still its parent. */
const PARENT_CHECK_MS = 500;

function announce(event: string, sim: RunningSimulator, extra: Record<string, string> = {}): void {
  const { kind, url, host, port } = sim;
  const line = { event, kind, url, host, port, pid: process.pid, ...extra };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function main(argv: readonly string[]): Promise<void> {
  let command;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    return usageError(error);
  }
  if (command.help) {
    process.stdout.write(`${usage(process.env[COMMAND_VARIABLE])}\n`);
    return;
  }

  let sim: RunningSimulator;
  try {
    sim = await startSimulator({ ...command.options, waitForReady: false });
  } catch (error) {
    if (error instanceof SimOptionsError) return usageError(error);
    process.stderr.write(`backend-sim: ${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    // Said on stdout so a supervisor's logs show which signal ended the sim.
    announce('stopping', sim, { signal });
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (command.parentPid !== undefined) stopWithParent(command.parentPid, () => stop('SIGTERM'));

  announce('starting', sim);
  try {
    await sim.ready;
  } catch (error) {
    if (stopping) return;
    process.stderr.write(`backend-sim: ${(error as Error).message}\n`);
    process.exit(1);
  }
  if (!stopping) announce('listening', sim);
}

/**
 * A supervisor that runs the sim in a process group of its own (`switchyard up`) takes the
 * terminal's signals for it; if the supervisor is killed outright, the sim must notice alone.
 * Its stdout went with the supervisor, so write failures from then on are dropped.
 */
function stopWithParent(parentPid: number, stop: () => void): void {
  const timer = setInterval(() => {
    if (process.ppid === parentPid) return;
    clearInterval(timer);
    process.stdout.on('error', () => undefined);
    stop();
  }, PARENT_CHECK_MS);
  timer.unref();
}

function usageError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`backend-sim: ${message}\n`);
  process.exitCode = EXIT_USAGE;
}

await main(process.argv.slice(2));
