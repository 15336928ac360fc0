import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineInfo } from '../machine.js';
import type { BenchOptions } from '../options.js';
import { renderCancellation, type CancellationResult } from '../scenarios/cancellation.js';
import {
  renderCpuByConcurrency,
  renderCpuCost,
  type CpuCostResult,
} from '../scenarios/cpu-cost.js';
import { renderMemory, type MemoryResult } from '../scenarios/memory.js';
import { renderLatencySteps } from '../scenarios/latency-steps.js';
import { renderNonStreaming, type NonStreamingResult } from '../scenarios/non-streaming.js';
import { renderScaleOut, type ScaleOutResult } from '../scenarios/scale-out.js';
import { renderStreaming, type StreamingResult } from '../scenarios/streaming.js';
import { WARM_UP } from '../scenarios/warm-up.js';

export interface BenchResults {
  machine: MachineInfo;
  options: Pick<BenchOptions, 'rounds' | 'durationSec' | 'scenarios' | 'cancels'>;
  nonStreaming?: NonStreamingResult;
  streaming?: StreamingResult;
  cpuCost?: CpuCostResult;
  cancellation?: CancellationResult;
  scaleOut?: ScaleOutResult;
  memory?: MemoryResult;
}

export function renderMarkdown(results: BenchResults): string {
  const { machine, options } = results;
  const parts = [
    '# Switchyard benchmark',
    [
      `${machine.date} · ${machine.cores} cores (${machine.cpuModel}) · Node ${machine.node} · ` +
        `nats-server ${machine.natsServer} · Portkey ${machine.portkey} · load average at start ${machine.loadAtStart}`,
      `${options.rounds} rounds (each runs direct, Portkey, Switchyard in turn, and the relay in scenarios 1 and 2); values are medians over ` +
        `rounds; "added" is the path minus direct in the same round; ${options.durationSec} s per ` +
        `request-rate run. Before its first measured run each path is warmed up, unmeasured: ` +
        `${WARM_UP.requests.toLocaleString('en')} requests (at most ${WARM_UP.maxSec} s) in scenario 1, ` +
        `${WARM_UP.streams.concurrency * WARM_UP.streams.batches} streams in scenario 2. ` +
        `Goals are the issue's targets, shown and never asserted.`,
    ].join('\n'),
  ];
  const section = (title: string, note: string, body: string | undefined): void => {
    if (body !== undefined) parts.push(`## ${title}`, note, body);
  };
  section(
    '1. Non-streaming chat',
    'Simulator with no delay (16-token answers); autocannon at each concurrency. "relay" is Switchyard\'s hops with nothing in them (`src/relay`: an HTTP server that sends each body as one NATS request, a queue-group subscriber that posts it to the simulator and replies with the answer), the least the design costs.',
    results.nonStreaming && renderNonStreaming(results.nonStreaming),
  );
  section(
    '1a. Where the added latency at concurrency 1 goes',
    results.nonStreaming?.steps
      ? `One ${results.nonStreaming.steps.durationSec} s run per path at concurrency 1 with the step clock on (\`src/hooks/step-clock-hook.ts\`): each process records when a step happened on the shared monotonic clock, from Node's HTTP server, undici, and Switchyard's tracing channels (the relay marks the same steps). Times are medians over the run's requests (${results.nonStreaming.steps.paths.switchyard.requests} through Switchyard, ${results.nonStreaming.steps.paths.relay.requests} through the relay), in µs since the client's request reached the gateway; "step" is the median time since the step before. The relay answers with one message, so its first and last frame are one step. Steps in different processes may overlap (the backend finishes writing as the worker reads).`
      : '',
    results.nonStreaming?.steps && renderLatencySteps(results.nonStreaming.steps),
  );
  section(
    '2. Streaming chat',
    results.streaming
      ? `${results.streaming.answerTokens} tokens per answer at ${results.streaming.tokensPerSecond} tokens/s; every stream checked against the direct answer's text (${results.streaming.expectedChunks} tokens; tokens that arrive together may share a chunk). "relay": the simulator's stream passed on as it is read, one NATS message per read, with nothing in between.`
      : '',
    results.streaming && renderStreaming(results.streaming),
  );
  section(
    '3. CPU per request',
    results.cpuCost
      ? `From /proc/<pid>/stat (user + system, every thread) over the scenario 1 runs at concurrency ${results.cpuCost.concurrency}, divided by answered requests. "In the kernel": the system time (system calls, the network stack). "Off the main thread": the time of a Node process's other threads (/proc/<pid>/task), V8's garbage collector and compilers.`
      : '',
    results.cpuCost &&
      [
        renderCpuCost(results.cpuCost),
        'The same, total per request, at every concurrency of scenario 1. At low concurrency each process waits for the one before it and handles a request after an idle gap; the two simulator rows are the same code fed back to back (direct) and one request at a time through Switchyard.',
        renderCpuByConcurrency(results.cpuCost),
      ].join('\n\n'),
  );
  section(
    '4. Cancellation',
    'The client aborts after 3 tokens; time until the simulator\'s HTTP server sees the connection close (same monotonic clock). "Ran to the end": the abort never reached the simulator.',
    results.cancellation && renderCancellation(results.cancellation),
  );
  section(
    '5. Scale-out',
    'Simulators limited to 4 concurrent requests at 50 tokens/s; 8 closed-loop callers per pair. Efficiency = throughput ÷ (pairs × throughput of one pair), per path.',
    results.scaleOut && renderScaleOut(results.scaleOut),
  );
  section(
    '6. Memory',
    'VmRSS from /proc/<pid>/status: idle after start-up, and at the end of scenario 2.',
    results.memory && renderMemory(results.memory),
  );
  return parts.join('\n\n') + '\n';
}

/** Formats with the workspace's prettier when it is installed, so the files pass `format:check`. */
async function pretty(text: string, filepath: string): Promise<string> {
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(filepath)) ?? {};
    return await prettier.format(text, { ...config, filepath });
  } catch {
    return text;
  }
}

/** Writes latest.md and latest.json into `dir` and returns the Markdown. */
export async function writeResults(dir: string, results: BenchResults): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const mdFile = join(dir, 'latest.md');
  const jsonFile = join(dir, 'latest.json');
  const markdown = await pretty(renderMarkdown(results), mdFile);
  writeFileSync(mdFile, markdown);
  writeFileSync(jsonFile, await pretty(JSON.stringify(results, null, 2), jsonFile));
  return markdown;
}
