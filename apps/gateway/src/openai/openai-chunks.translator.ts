import type { DeltaFrame, EndFrame, ToolCallDelta, Usage } from '@switchyard/contracts';
import { chatLogprobs, completionLogprobs, textLength } from './openai-logprobs.translator.js';

/** What every chunk of one answer shares. */
export interface AnswerIdentity {
  id: string;
  created: number;
  model: string;
}

type Chunk = Record<string, unknown>;

/**
 * How one kind of answer is streamed: an optional first chunk, one per delta, the closing ones.
 * Each translator speaks for one choice (`index`); an answer of several closes each choice with
 * its `finish` and the whole with one `usage`, where a single choice's `closing` gives both.
 */
export interface ChunkTranslator {
  opening?(): Chunk;
  delta(frame: DeltaFrame): Chunk | undefined;
  closing(end: EndFrame): Chunk[];
  /** The chunk with the choice's finish reason. */
  finish(end: EndFrame): Chunk;
  /** The chunk with the answer's usage and no choices, when the client asked for one. */
  usage(usage: Usage): Chunk | undefined;
}

/** Shared by both kinds of chunk: the closing chunks of a single-choice answer. */
abstract class ChoiceChunks implements ChunkTranslator {
  constructor(
    protected readonly answer: AnswerIdentity,
    protected readonly includeUsage: boolean,
    protected readonly logprobs = false,
    protected readonly index = 0,
  ) {}

  abstract delta(frame: DeltaFrame): Chunk | undefined;
  abstract finish(end: EndFrame): Chunk;
  /** The fields every chunk of the answer shares, as a new object each call: chunks add to it. */
  protected abstract base(): Chunk;

  closing(end: EndFrame): Chunk[] {
    const usage = this.usage(end.usage);
    return usage === undefined ? [this.finish(end)] : [this.finish(end), usage];
  }

  usage(usage: Usage): Chunk | undefined {
    if (!this.includeUsage) return undefined;
    const chunk = this.base();
    chunk['choices'] = [];
    chunk['usage'] = usageOf({ usage });
    return chunk;
  }

  /** A chunk of this choice; every chunk but the usage one says `usage: null` when it comes. */
  protected chunk(choice: Record<string, unknown>): Chunk {
    // Filled in, not spread: `base()` is a fresh literal, and one per frame (see eslint.config.js).
    const chunk = this.base();
    chunk['choices'] = [{ index: this.index, ...choice }];
    if (this.includeUsage) chunk['usage'] = null;
    return chunk;
  }
}

/**
 * Frames as OpenAI `chat.completion.chunk`s: the role on the first chunk, one chunk per delta,
 * the finish reason on a chunk of its own and, when the client asked for it, a usage chunk with
 * no choices (every other chunk then carries `usage: null`, as OpenAI's do). When the client
 * asked for `logprobs`, a chunk with text carries its tokens' (the others `null`).
 */
export class ChatChunkTranslator extends ChoiceChunks {
  opening(): Chunk {
    return this.message({ role: 'assistant', content: '' }, null);
  }

  delta(frame: DeltaFrame): Chunk | undefined {
    const delta: Record<string, unknown> = {};
    if (frame.reasoning !== undefined) delta['reasoning_content'] = frame.reasoning;
    if (frame.text !== undefined) delta['content'] = frame.text;
    if (frame.tool_calls !== undefined) delta['tool_calls'] = frame.tool_calls.map(toolCallDelta);
    if (Object.keys(delta).length === 0) return undefined;
    const asked = this.logprobs && frame.text !== undefined;
    return this.message(delta, null, asked ? chatLogprobs(frame.logprobs ?? []) : null);
  }

  finish(end: EndFrame): Chunk {
    return this.message({}, end.finish_reason);
  }

  private message(
    delta: Record<string, unknown>,
    finishReason: string | null,
    logprobs: unknown = null,
  ): Chunk {
    return this.chunk({ delta, logprobs, finish_reason: finishReason });
  }

  protected base(): Chunk {
    const { id, created, model } = this.answer;
    return { id, object: 'chat.completion.chunk', created, model, system_fingerprint: null };
  }
}

/**
 * Frames as OpenAI `text_completion` chunks (the legacy completions API); when the client asked
 * for `logprobs`, each text chunk carries its tokens', offsets counted from the answer's start.
 */
export class CompletionChunkTranslator extends ChoiceChunks {
  /** How much text the chunks so far carried, where the next chunk's offsets start. */
  private offset = 0;

  delta(frame: DeltaFrame): Chunk | undefined {
    if (frame.text === undefined) return undefined;
    const logprobs = this.logprobs ? completionLogprobs([frame], this.offset) : null;
    this.offset += textLength(frame.text);
    return this.chunk({ text: frame.text, logprobs, finish_reason: null });
  }

  finish(end: EndFrame): Chunk {
    return this.chunk({ text: '', logprobs: null, finish_reason: end.finish_reason });
  }

  protected base(): Chunk {
    const { id, created, model } = this.answer;
    return { id, object: 'text_completion', created, model };
  }
}

/** A whole chat answer as OpenAI's `chat.completion`, with `logprobs` when the client asked. */
export function chatCompletion(
  answer: AnswerIdentity,
  deltas: readonly DeltaFrame[],
  end: EndFrame,
  logprobs = false,
): Chunk {
  const text = deltas.map((frame) => frame.text ?? '').join('');
  const reasoning = deltas.map((frame) => frame.reasoning ?? '').join('');
  const toolCalls = assembleToolCalls(deltas.flatMap((frame) => frame.tool_calls ?? []));
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: text.length === 0 && toolCalls.length > 0 ? null : text,
  };
  if (reasoning.length > 0) message['reasoning_content'] = reasoning;
  if (toolCalls.length > 0) message['tool_calls'] = toolCalls;
  return {
    id: answer.id,
    object: 'chat.completion',
    created: answer.created,
    model: answer.model,
    choices: [
      {
        index: 0,
        message,
        logprobs: logprobs ? chatLogprobs(deltas.flatMap((frame) => frame.logprobs ?? [])) : null,
        finish_reason: end.finish_reason,
      },
    ],
    usage: usageOf(end),
    system_fingerprint: null,
  };
}

/** A whole completion as OpenAI's `text_completion`, with `logprobs` when the client asked. */
export function textCompletion(
  answer: AnswerIdentity,
  deltas: readonly DeltaFrame[],
  end: EndFrame,
  logprobs = false,
): Chunk {
  return {
    id: answer.id,
    object: 'text_completion',
    created: answer.created,
    model: answer.model,
    choices: [
      {
        index: 0,
        text: deltas.map((frame) => frame.text ?? '').join(''),
        logprobs: logprobs ? completionLogprobs(deltas, 0) : null,
        finish_reason: end.finish_reason,
      },
    ],
    usage: usageOf(end),
  };
}

export interface AssembledToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** Tool-call fragments joined per `index`, in index order. */
export function assembleToolCalls(fragments: readonly ToolCallDelta[]): AssembledToolCall[] {
  const calls = new Map<number, AssembledToolCall>();
  for (const fragment of fragments) {
    const call = calls.get(fragment.index) ?? {
      id: '',
      type: 'function' as const,
      function: { name: '', arguments: '' },
    };
    if (fragment.id !== undefined) call.id = fragment.id;
    if (fragment.name !== undefined) call.function.name += fragment.name;
    if (fragment.arguments !== undefined) call.function.arguments += fragment.arguments;
    calls.set(fragment.index, call);
  }
  return [...calls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, call]) => Object.assign({}, call, { id: call.id || `call_${index}` }));
}

function toolCallDelta(fragment: ToolCallDelta): Record<string, unknown> {
  const out: Record<string, unknown> = { index: fragment.index };
  if (fragment.id !== undefined) {
    out['id'] = fragment.id;
    out['type'] = 'function';
  }
  const fn: Record<string, string> = { arguments: fragment.arguments ?? '' };
  if (fragment.name !== undefined) fn['name'] = fragment.name;
  out['function'] = fn;
  return out;
}

export function usageOf(end: Pick<EndFrame, 'usage'>): Record<string, number> {
  const { prompt_tokens, completion_tokens } = end.usage;
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}
