#!/usr/bin/env node
// `npm run bench`: starts NATS, the Switchyard gateway, Portkey and, per scenario, simulators
// and workers, all on loopback; runs the selected scenarios over the three paths; writes
// bench/results/latest.md and latest.json and prints the Markdown.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { machineInfo } from './machine.js';
import { OptionsError, parseOptions, USAGE, type BenchOptions } from './options.js';
import { BENCH_ROOT } from './paths.js';
import { stopAllChildren } from './proc/managed-child.js';
import { writeResults, type BenchResults } from './report/report.js';
import { runCancellation } from './scenarios/cancellation.js';
import type { ScenarioContext } from './scenarios/context.js';
import { cpuCost } from './scenarios/cpu-cost.js';
import { snapshotRss } from './scenarios/memory.js';
import { CPU_LEVEL, NON_STREAMING_LEVELS, runNonStreaming } from './scenarios/non-streaming.js';
import { runScaleOut } from './scenarios/scale-out.js';
import { runStreaming } from './scenarios/streaming.js';
import { startStack } from './stack/bench-stack.js';

const BUSY_LOAD = 1.5;

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let options: BenchOptions;
  try {
    options = parseOptions(argv, join(BENCH_ROOT, 'results'));
  } catch (error) {
    if (!(error instanceof OptionsError)) throw error;
    process.stderr.write(`bench: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  const progress = (line: string): void => void process.stderr.write(`bench: ${line}\n`);
  const load = loadavg()[0] ?? 0;
  if (load > BUSY_LOAD) {
    progress(
      `the machine is busy (load average ${load.toFixed(2)}); numbers will be noisy, the ratios less so`,
    );
  }

  const wanted = new Set(options.scenarios);
  progress(
    `scenarios ${options.scenarios.join(', ')}, ${options.rounds} rounds, ${options.durationSec} s runs`,
  );
  const stack = await startStack(options.cpuProfDir);
  const results: BenchResults = {
    machine: machineInfo(stack.portkey.version),
    options: {
      rounds: options.rounds,
      durationSec: options.durationSec,
      scenarios: options.scenarios,
      cancels: options.cancels,
    },
  };
  const ctx: ScenarioContext = { stack, options, progress };
  const services = {
    gateway: stack.gateway.process.pid,
    'nats-server': stack.nats.process.pid,
    portkey: stack.portkey.process.pid,
  };
  try {
    if (wanted.has(6)) results.memory = { idle: snapshotRss(services) };
    if (wanted.has(1) || wanted.has(3)) {
      const plain = await runNonStreaming(ctx, wanted.has(1) ? NON_STREAMING_LEVELS : [CPU_LEVEL]);
      if (wanted.has(1)) results.nonStreaming = plain;
      if (wanted.has(3)) results.cpuCost = cpuCost(plain);
    }
    if (wanted.has(2)) {
      results.streaming = await runStreaming(ctx, {
        atStart: (backends) => {
          if (!results.memory) return;
          const worker = backends.workers[0];
          if (worker)
            Object.assign(results.memory.idle, snapshotRss({ 'vllm-worker': worker.pid }));
        },
        atEnd: (backends) => {
          if (!results.memory) return;
          const worker = backends.workers[0];
          results.memory.afterStreaming = snapshotRss({
            ...services,
            ...(worker ? { 'vllm-worker': worker.pid } : {}),
          });
        },
      });
    }
    if (wanted.has(4)) results.cancellation = await runCancellation(ctx);
    if (wanted.has(5)) results.scaleOut = await runScaleOut(ctx);
  } finally {
    await stack.stop();
  }
  const markdown = await writeResults(options.outDir, results);
  process.stdout.write(markdown);
  progress(`written to ${join(options.outDir, 'latest.md')} and latest.json`);
  return 0;
}

let stopping = false;
const interrupt = (signal: NodeJS.Signals): void => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`bench: ${signal}: stopping every process it started…\n`);
  void stopAllChildren(5_000).finally(() => process.exit(130));
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    await stopAllChildren(5_000);
    process.exit(1);
  },
);
