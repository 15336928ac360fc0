import type { Timings } from '@switchyard/contracts';
import type { GenerationEvent } from '@switchyard/worker-runtime';

/** `stats` of a non-streamed `/api/v0` answer: seconds as floats, read defensively. */
interface LmStudioStats {
  tokens_per_second?: unknown;
  time_to_first_token?: unknown;
}

/**
 * A non-streamed `/api/v0` answer carries LM Studio's own `stats` (the stream carries none):
 * they replace the worker's measurements in the end event, as `source: backend`. The measured
 * total stays, since LM Studio reports none. Without usable stats the events are unchanged.
 */
export function withLmStudioStats(events: GenerationEvent[], answer: unknown): GenerationEvent[] {
  const timings = lmStudioTimings((answer as { stats?: LmStudioStats } | undefined)?.stats);
  if (timings === undefined) return events;
  return events.map((event) => {
    if (event.type !== 'end') return event;
    const total = event.timings?.total_ms;
    return Object.assign({}, event, {
      timings: total === undefined ? timings : Object.assign({}, timings, { total_ms: total }),
    });
  });
}

function lmStudioTimings(stats: LmStudioStats | undefined): Timings | undefined {
  if (typeof stats !== 'object' || stats === null) return undefined;
  const ttftSeconds = nonNegative(stats.time_to_first_token);
  const speed = nonNegative(stats.tokens_per_second);
  if (ttftSeconds === undefined && speed === undefined) return undefined;
  return {
    source: 'backend',
    ...(ttftSeconds === undefined ? {} : { ttft_ms: ttftSeconds * 1000 }),
    ...(speed === undefined ? {} : { tokens_per_second: speed }),
  };
}

function nonNegative(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
