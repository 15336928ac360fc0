import { randomBytes } from 'node:crypto';
import type { Timings } from '@switchyard/contracts';
import {
  tokenLogprobEntries,
  type DeltaEvent,
  type EndEvent,
  type GenerationEvent,
} from '@switchyard/worker-runtime';
import { translateOllamaError } from './ollama-errors.js';
import type { OllamaStreamLine } from './ollama-wire.types.js';

type NativeToolCall = NonNullable<OllamaStreamLine['tool_calls']>[number];

/**
 * Turns the NDJSON lines of `/api/chat` and `/api/generate` into generation events, one line at
 * a time, until the `done:true` line (after which `done` is true and nothing more is read).
 *
 * - `message.thinking` / `thinking` → reasoning, `message.content` / `response` → text, with the
 *   line's `logprobs` (when asked for) as the text's entries.
 * - Ollama sends each tool call whole, arguments as an object. OpenAI clients expect fragments,
 *   so each call becomes two: `{index, id, name, arguments: ''}` then `{index, arguments}` with
 *   the arguments as one JSON string. Indices count calls across the whole stream.
 * - The `done` line ends with usage (`prompt_eval_count` / `eval_count`, absent = 0) and the
 *   backend's timings converted from nanoseconds: time to first token ≈ load + prompt
 *   evaluation, speed = `eval_count / eval_duration`.
 * - A line `{"error":…}` is how Ollama fails mid-stream (the status is already 200): it is
 *   thrown as a catalogued error.
 */
export class OllamaStreamTranslator {
  private finished = false;
  private toolCalls = 0;

  get done(): boolean {
    return this.finished;
  }

  push(raw: unknown): GenerationEvent[] {
    const line = (raw ?? {}) as OllamaStreamLine;
    if (line.error !== undefined && line.error !== null) {
      throw translateOllamaError({ status: 200, body: line, text: JSON.stringify(line) });
    }
    const events: GenerationEvent[] = [];
    const reasoning = line.message?.thinking ?? line.thinking;
    if (reasoning) events.push({ type: 'delta', reasoning });
    const text = line.message?.content ?? line.response;
    if (text) {
      const logprobs = tokenLogprobEntries(line.logprobs);
      events.push(
        logprobs === undefined ? { type: 'delta', text } : { type: 'delta', text, logprobs },
      );
    }
    for (const call of line.message?.tool_calls ?? line.tool_calls ?? []) {
      events.push(...this.toolCallFragments(call));
    }
    if (line.done === true) {
      this.finished = true;
      events.push(this.end(line));
    }
    return events;
  }

  private toolCallFragments(call: NativeToolCall): DeltaEvent[] {
    const index = this.toolCalls++;
    const args = call.function?.arguments;
    return [
      {
        type: 'delta',
        tool_calls: [
          {
            index,
            id: call.id ?? newToolCallId(),
            name: call.function?.name ?? '',
            arguments: '',
          },
        ],
      },
      {
        type: 'delta',
        tool_calls: [
          { index, arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) },
        ],
      },
    ];
  }

  private end(line: OllamaStreamLine): EndEvent {
    return {
      type: 'end',
      finish_reason:
        line.done_reason === 'length' ? 'length' : this.toolCalls > 0 ? 'tool_calls' : 'stop',
      usage: {
        prompt_tokens: line.prompt_eval_count ?? 0,
        completion_tokens: line.eval_count ?? 0,
      },
      timings: ollamaTimings(line),
      ...(line.model === undefined ? {} : { model: line.model }),
    };
  }
}

/** Ollama's nanosecond durations as canonical timings; absent fields stay absent. */
export function ollamaTimings(line: {
  total_duration?: number;
  load_duration?: number;
  prompt_eval_duration?: number;
  eval_count?: number;
  eval_duration?: number;
}): Timings {
  const timings: Timings = { source: 'backend' };
  const load = line.load_duration;
  const promptEval = line.prompt_eval_duration;
  if (load !== undefined || promptEval !== undefined) {
    timings.ttft_ms = nsToMs((load ?? 0) + (promptEval ?? 0));
  }
  if (load !== undefined) timings.load_ms = nsToMs(load);
  if (line.eval_count && line.eval_duration) {
    timings.tokens_per_second = (line.eval_count / line.eval_duration) * 1e9;
  }
  if (line.total_duration !== undefined) timings.total_ms = nsToMs(line.total_duration);
  return timings;
}

function nsToMs(ns: number): number {
  return ns / 1e6;
}

/** An id for a tool call Ollama gave none: `call_` and eight letters and digits, like its own. */
export function newToolCallId(): string {
  return `call_${randomId()}`;
}

/** Eight lowercase letters and digits, like the ids Ollama gives tool calls. */
function randomId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(8), (byte) => alphabet[byte % alphabet.length]).join('');
}
