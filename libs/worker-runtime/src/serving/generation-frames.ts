import { endianness } from 'node:os';
import {
  SwitchyardError,
  type DeltaFrame,
  type EndFrame,
  type Timings,
  type UnnumberedFrame,
} from '@switchyard/contracts';
import type { DeltaEvent, EndEvent, GenerationEvent } from '../backend-adapter.js';

const LITTLE_ENDIAN = endianness() === 'LE';

export interface GenerationClock {
  /** When the worker sent the request to the backend (after any queueing), from `performance.now()`. */
  readonly sentAt: number;
  /** How long the request waited for a slot. */
  readonly queueMs: number;
}

/**
 * Turns an adapter's events into reply frames (without sequence numbers; the NATS server numbers
 * them), one event at a time. Empty deltas are skipped, embeddings become base64 float32, the
 * first output carries the worker's time to it (`ttft_ms`, for callers that account for time
 * while streaming), the end frame gets the backend's timings or, where the backend reports none,
 * the worker's own measurement of time to first token and tokens per second. A generation that
 * stops without an end is a `backend_error` ({@link GenerationFrames.endOfAnswer}), never a silent
 * success.
 *
 * A mapping, not a generator over the events: the handler reads the adapter's events itself, so
 * a streamed token costs no promise turns here.
 */
export class GenerationFrames {
  private firstOutputAt: number | undefined;
  private end: Omit<EndFrame, 'seq'> | undefined;
  /** With parallel tool calls off: the index of the one call passed on, once it has begun. */
  private keptCall: number | undefined;

  /**
   * `oneToolCall`: the caller asked for at most one tool call (`parallel_tool_calls: false`).
   * Ollama and LM Studio have no such option, so a backend may make several: the first is kept.
   */
  constructor(
    private readonly clock: GenerationClock,
    private readonly oneToolCall = false,
  ) {}

  /** The frame an event becomes; none for an empty delta. */
  frameOf(event: GenerationEvent): UnnumberedFrame | undefined {
    switch (event.type) {
      case 'loading':
        return { type: 'heartbeat', phase: 'loading' };
      case 'delta': {
        const frame = deltaFrame(this.oneToolCall ? this.firstCallOnly(event) : event);
        if (frame !== undefined) this.stampFirstOutput(frame);
        return frame;
      }
      case 'embedding': {
        const frame: Omit<DeltaFrame, 'seq'> = {
          type: 'delta',
          embedding: { index: event.index, b64: float32ToBase64(event.vector) },
        };
        this.stampFirstOutput(frame);
        return frame;
      }
      case 'end':
        this.end = endFrame(event, this.clock, this.firstOutputAt, performance.now());
        return this.end;
    }
  }

  /**
   * The end frame, once the events are over: a generation whose events ran out before their end
   * is a `backend_error` (retryable, as a backend failure is).
   */
  endOfAnswer(): Omit<EndFrame, 'seq'> {
    if (this.end !== undefined) return this.end;
    throw new SwitchyardError('backend_error', 'the backend ended its answer without finishing it');
  }

  /** The event with the fragments of every tool call but the first taken out. */
  private firstCallOnly(event: DeltaEvent): DeltaEvent {
    const calls = event.tool_calls;
    if (calls === undefined || calls.length === 0) return event;
    this.keptCall ??= calls[0]?.index;
    const kept = calls.filter((call) => call.index === this.keptCall);
    return kept.length === calls.length ? event : Object.assign({}, event, { tool_calls: kept });
  }

  private stampFirstOutput(frame: Omit<DeltaFrame, 'seq'>): void {
    if (this.firstOutputAt !== undefined) return;
    this.firstOutputAt = performance.now();
    frame.ttft_ms = round(this.firstOutputAt - this.clock.sentAt);
  }
}

/**
 * A delta event as a frame. Logprobs go only with the text they describe: without text they are a
 * thinking's or a tool call's tokens, which the protocol gives none for.
 */
function deltaFrame(event: DeltaEvent): Omit<DeltaFrame, 'seq'> | undefined {
  const { text, reasoning, tool_calls: toolCalls, logprobs } = event;
  const hasToolCalls = toolCalls !== undefined && toolCalls.length > 0;
  if (!text && !reasoning && !hasToolCalls) return undefined;
  const frame: Omit<DeltaFrame, 'seq'> = { type: 'delta' };
  if (text) frame.text = text;
  if (text && logprobs !== undefined && logprobs.length > 0) frame.logprobs = [...logprobs];
  if (reasoning) frame.reasoning = reasoning;
  if (hasToolCalls) frame.tool_calls = [...toolCalls];
  return frame;
}

function endFrame(
  event: EndEvent,
  clock: GenerationClock,
  firstOutputAt: number | undefined,
  endedAt: number,
): Omit<EndFrame, 'seq'> {
  const timings: Timings = event.timings ?? measuredTimings(event, clock, firstOutputAt, endedAt);
  const frame: Omit<EndFrame, 'seq'> = {
    type: 'end',
    finish_reason: event.finish_reason,
    usage: event.usage,
    timings: Object.assign({}, timings, {
      queue_ms: round(clock.queueMs),
      total_ms: round(endedAt - clock.sentAt),
    }),
  };
  if (event.model !== undefined) frame.model = event.model;
  if (event.stop_sequence !== undefined) frame.stop_sequence = event.stop_sequence;
  return frame;
}

function measuredTimings(
  event: EndEvent,
  clock: GenerationClock,
  firstOutputAt: number | undefined,
  endedAt: number,
): Timings {
  const timings: Timings = { source: 'worker' };
  if (firstOutputAt === undefined) return timings;
  timings.ttft_ms = round(firstOutputAt - clock.sentAt);
  const generatingSeconds = (endedAt - firstOutputAt) / 1000;
  if (generatingSeconds > 0 && event.usage.completion_tokens > 1) {
    timings.tokens_per_second = round((event.usage.completion_tokens - 1) / generatingSeconds);
  }
  return timings;
}

/** Little-endian float32 bytes as base64: OpenAI's `encoding_format: "base64"`. */
export function float32ToBase64(vector: Float32Array): string {
  if (LITTLE_ENDIAN)
    return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength).toString('base64');
  const bytes = Buffer.alloc(vector.length * 4);
  vector.forEach((value, index) => bytes.writeFloatLE(value, index * 4));
  return bytes.toString('base64');
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
