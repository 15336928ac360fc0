import { appEntry, benchDist } from '../paths.js';
import { ManagedChild } from '../proc/managed-child.js';
import { stepClockPreload } from '../steps/step-clock.js';
import { pathToFileURL } from 'node:url';

export interface SimSpec {
  name: string;
  /** The served model name (a vLLM simulator serves one model). */
  model: string;
  tokensPerSecond: number;
  ttftMs: number;
  answerTokens: number;
  maxConcurrency: number;
  queue: number;
}

/** When the simulator saw a response's connection close: before the end (aborted) or after. */
export interface SimClose {
  ns: bigint;
  aborted: boolean;
}

export interface BenchSim {
  spec: SimSpec;
  url: string;
  process: ManagedChild;
  /** Calls `listener` for every inference response the simulator closes; returns unsubscribe. */
  onClose(listener: (close: SimClose) => void): () => void;
}

/**
 * A vLLM simulator process (`apps/backend-sim`), with the bench's close hook preloaded so the
 * harness learns, on the shared monotonic clock, when the simulator saw a client go away.
 */
export async function startSim(spec: SimSpec): Promise<BenchSim> {
  const hook = pathToFileURL(benchDist('hooks', 'sim-close-hook.js')).href;
  const clock = stepClockPreload();
  const child = new ManagedChild({
    name: spec.name,
    command: process.execPath,
    env: clock.env,
    args: [
      '--import',
      hook,
      ...clock.args,
      appEntry('backend-sim'),
      ...['--kind', 'vllm', '--host', '127.0.0.1', '--port', '0', '--load-ms', '0'],
      ...['--models', spec.model, '--seed', '7'],
      ...['--tokens-per-second', String(spec.tokensPerSecond), '--ttft-ms', String(spec.ttftMs)],
      ...['--answer-tokens', String(spec.answerTokens)],
      ...['--max-concurrency', String(spec.maxConcurrency), '--queue', String(spec.queue)],
    ],
  });
  const line = await child.waitForLine(
    (text) => text.includes('"event":"listening"'),
    30_000,
    'a "listening" line',
  );
  const { url } = JSON.parse(line) as { url: string };
  return {
    spec,
    url,
    process: child,
    onClose: (listener) =>
      child.onLine((text) => {
        if (!text.startsWith('{"event":"bench-close"')) return;
        const event = JSON.parse(text) as { ns: string; aborted: boolean };
        listener({ ns: BigInt(event.ns), aborted: event.aborted });
      }),
  };
}
