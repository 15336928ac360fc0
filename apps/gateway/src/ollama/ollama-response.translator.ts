import type {
  DeltaFrame,
  EndFrame,
  FinishReason,
  GeneratedTokenLogprob,
} from '@switchyard/contracts';
import { defined } from '../http/defined.js';
import type { ListBody } from '../http/json-pieces.js';
import { choicesUsage } from '../openai/openai-choices.js';
import { assembleToolCalls } from '../openai/openai-chunks.translator.js';
import { withBytes, type ChatTokenLogprob } from '../openai/openai-logprobs.translator.js';
import type { OllamaShortcut } from './ollama-request.translator.js';

type Line = Record<string, unknown>;

/** Ollama's `done_reason`: it says `stop` for tool calls too. */
function doneReason(reason: FinishReason): string {
  return reason === 'length' ? 'length' : 'stop';
}

/**
 * The statistics of Ollama's final object, in integer nanoseconds. `total_duration` is the whole
 * request as the gateway saw it; the rest come from the backend's timings, and a value that is
 * unknown or zero is left out, as Ollama leaves zero metrics out.
 */
export function ollamaStatistics(end: EndFrame, totalMs: number): Line {
  const ms = (value: number): number => Math.round(value * 1e6);
  const timings = end.timings ?? { source: 'worker' as const };
  const stats: Line = { total_duration: ms(totalMs) };
  if (timings.load_ms) stats['load_duration'] = ms(timings.load_ms);
  stats['prompt_eval_count'] = end.usage.prompt_tokens;
  const promptMs = (timings.ttft_ms ?? 0) - (timings.load_ms ?? 0);
  if (promptMs > 0) stats['prompt_eval_duration'] = ms(promptMs);
  stats['eval_count'] = end.usage.completion_tokens;
  const tps = timings.tokens_per_second;
  if (tps !== undefined && tps > 0 && end.usage.completion_tokens > 0) {
    stats['eval_duration'] = Math.round((end.usage.completion_tokens / tps) * 1e9);
  }
  return stats;
}

/**
 * The entries of the deltas as Ollama's `logprobs` field (0.12.11 and later), set on the line
 * when there are any. As Ollama: every token with its bytes, and an empty list or `top_logprobs`
 * left out (omitempty).
 */
function withLogprobs(line: Line, deltas: readonly DeltaFrame[]): Line {
  const entries = deltas.flatMap((frame) => frame.logprobs ?? []);
  if (entries.length > 0) line['logprobs'] = entries.map(ollamaLogprob);
  return line;
}

function ollamaLogprob(
  entry: GeneratedTokenLogprob,
): ChatTokenLogprob & { top_logprobs?: ChatTokenLogprob[] } {
  const top = entry.top_logprobs ?? [];
  return top.length === 0
    ? withBytes(entry)
    : Object.assign({}, withBytes(entry), { top_logprobs: top.map(withBytes) });
}

/** Frames as `/api/chat` NDJSON lines; tool calls go out whole, just before the final line. */
export class OllamaChatLines {
  private readonly fragments: NonNullable<DeltaFrame['tool_calls']> = [];

  constructor(private readonly model: string) {}

  delta(frame: DeltaFrame): Line | undefined {
    if (frame.tool_calls !== undefined) this.fragments.push(...frame.tool_calls);
    if (frame.text === undefined && frame.reasoning === undefined) return undefined;
    const message: Line = { role: 'assistant', content: frame.text ?? '' };
    if (frame.reasoning !== undefined) message['thinking'] = frame.reasoning;
    return withLogprobs(this.line(message, false), [frame]);
  }

  closing(end: EndFrame, totalMs: number): Line[] {
    const lines: Line[] = [];
    if (this.fragments.length > 0) {
      lines.push(
        this.line(
          { role: 'assistant', content: '', tool_calls: ollamaToolCalls(this.fragments) },
          false,
        ),
      );
    }
    lines.push(
      Object.assign(
        {},
        this.line({ role: 'assistant', content: '' }, true),
        { done_reason: doneReason(end.finish_reason) },
        ollamaStatistics(end, totalMs),
      ),
    );
    return lines;
  }

  private line(message: Line, done: boolean): Line {
    return { model: this.model, created_at: new Date().toISOString(), message, done };
  }
}

/** A whole `/api/chat` answer (`stream: false`). */
export function ollamaChatAnswer(
  model: string,
  deltas: readonly DeltaFrame[],
  end: EndFrame,
  totalMs: number,
): Line {
  const message: Line = {
    role: 'assistant',
    content: deltas.map((frame) => frame.text ?? '').join(''),
  };
  const thinking = deltas.map((frame) => frame.reasoning ?? '').join('');
  if (thinking.length > 0) message['thinking'] = thinking;
  const fragments = deltas.flatMap((frame) => frame.tool_calls ?? []);
  if (fragments.length > 0) message['tool_calls'] = ollamaToolCalls(fragments);
  const answer: Line = {
    model,
    created_at: new Date().toISOString(),
    message,
    done: true,
    done_reason: doneReason(end.finish_reason),
    ...ollamaStatistics(end, totalMs),
  };
  return withLogprobs(answer, deltas);
}

/** Frames as `/api/generate` NDJSON lines. */
export class OllamaGenerateLines {
  constructor(private readonly model: string) {}

  delta(frame: DeltaFrame): Line | undefined {
    if (frame.text === undefined && frame.reasoning === undefined) return undefined;
    const line = this.line(frame.text ?? '', false);
    if (frame.reasoning !== undefined) line['thinking'] = frame.reasoning;
    return withLogprobs(line, [frame]);
  }

  closing(end: EndFrame, totalMs: number): Line[] {
    return [
      Object.assign(
        {},
        this.line('', true),
        { done_reason: doneReason(end.finish_reason) },
        ollamaStatistics(end, totalMs),
      ),
    ];
  }

  private line(response: string, done: boolean): Line {
    return { model: this.model, created_at: new Date().toISOString(), response, done };
  }
}

/** A whole `/api/generate` answer (`stream: false`). */
export function ollamaGenerateAnswer(
  model: string,
  deltas: readonly DeltaFrame[],
  end: EndFrame,
  totalMs: number,
): Line {
  const thinking = deltas.map((frame) => frame.reasoning ?? '').join('');
  const answer: Line = {
    model,
    created_at: new Date().toISOString(),
    response: deltas.map((frame) => frame.text ?? '').join(''),
    ...(thinking.length > 0 ? { thinking } : {}),
    done: true,
    done_reason: doneReason(end.finish_reason),
    ...ollamaStatistics(end, totalMs),
  };
  return withLogprobs(answer, deltas);
}

/**
 * A whole `/api/embed` answer, for `jsonPieces`: a batch of thousands of vectors is written a
 * vector at a time, never held whole as text. Unlike the generation statistics, `load_duration`
 * is always there (0 when the backend did not say): Ollama's always is in practice, since it
 * times the model check even for a loaded model, and clients check for it (ollama-ai-provider-v2
 * refuses the answer without it).
 */
export function ollamaEmbedAnswer(
  model: string,
  embeddings: Iterable<readonly number[]>,
  end: EndFrame,
  totalMs: number,
): ListBody {
  return {
    before: { model },
    field: 'embeddings',
    items: embeddings,
    after: {
      total_duration: Math.round(totalMs * 1e6),
      load_duration: Math.round((end.timings?.load_ms ?? 0) * 1e6),
      prompt_eval_count: end.usage.prompt_tokens,
    },
  };
}

/**
 * The end of an embedding answered as several canonical requests (see `translateOllamaEmbed`), as
 * one: their tokens and load times added up, as Ollama counts a batch's, and the longest backend
 * time as the backend's, since they ran side by side (the gateway's overhead is what the wall
 * clock saw beyond it).
 */
export function joinedEmbeddingEnd(ends: readonly EndFrame[]): EndFrame {
  const [first] = ends;
  if (first === undefined) throw new Error('an embedding answer has at least one end');
  if (ends.length === 1) return first;
  const sum = (pick: (end: EndFrame) => number | undefined): number =>
    ends.reduce((total, end) => total + (pick(end) ?? 0), 0);
  const totals = ends.flatMap((end) =>
    end.timings?.total_ms === undefined ? [] : [end.timings.total_ms],
  );
  const timings = defined({
    source: first.timings?.source ?? ('worker' as const),
    load_ms: ends.some((end) => end.timings?.load_ms !== undefined)
      ? sum((end) => end.timings?.load_ms)
      : undefined,
    total_ms: totals.length === ends.length ? Math.max(...totals) : undefined,
  });
  return {
    type: 'end',
    seq: first.seq,
    finish_reason: first.finish_reason,
    // Each request had a prompt of its own: every end's prompt counts.
    usage: choicesUsage(ends, 1),
    timings,
  };
}

/** Ollama's answer to a request with no prompt: the model is loaded or unloaded, nothing generated. */
export function ollamaShortcutAnswer(
  model: string,
  field: 'response' | 'message',
  shortcut: OllamaShortcut,
): Line {
  return {
    model,
    created_at: new Date().toISOString(),
    ...(field === 'response' ? { response: '' } : { message: { role: 'assistant', content: '' } }),
    done: true,
    done_reason: shortcut,
  };
}

function ollamaToolCalls(fragments: NonNullable<DeltaFrame['tool_calls']>): Line[] {
  return assembleToolCalls(fragments).map((call, index) => ({
    id: call.id,
    function: {
      index,
      name: call.function.name,
      arguments: parseArguments(call.function.arguments),
    },
  }));
}

/** Ollama sends arguments as an object; a model's malformed JSON is kept under `_raw`. */
function parseArguments(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? value : { _raw: text };
  } catch {
    return { _raw: text };
  }
}
