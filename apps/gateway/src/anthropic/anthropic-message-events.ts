import type { DeltaFrame, EndFrame } from '@switchyard/contracts';
import type { StreamFrame } from '@switchyard/nats';
import { AnswerSegments, type Segment, type SegmentChange } from '../http/answer-segments.js';
import type { ChatAnswerFormat } from '../routing/routed-answer.js';

/** What every event of one message shares. */
export interface MessageIdentity {
  id: string;
  model: string;
}

export type MessageEvent = { type: string } & Record<string, unknown>;
type Block = Record<string, unknown>;

/**
 * An Anthropic `message` built from reply frames, as the events that stream it:
 * `message_start`, a content block per segment of the answer (thinking, text, each tool use; see
 * `AnswerSegments`) with its `content_block_start`, deltas and `content_block_stop`, then
 * `message_delta` with the stop reason and the usage, and `message_stop`. A whole (non-streamed)
 * message is the blocks whole, with the same stop reason and usage.
 */
export class MessageEvents implements ChatAnswerFormat {
  private readonly segments = new AnswerSegments();

  constructor(private readonly identity: MessageIdentity) {}

  start(): MessageEvent[] {
    // The prompt's size is known only at the end: message_delta carries it.
    const stop = { stop_reason: null, stop_sequence: null };
    return [{ type: 'message_start', message: this.message([], stop, usage(0, 0)) }];
  }

  delta(frame: DeltaFrame): MessageEvent[] {
    return this.segments.push(frame).map(blockEvent);
  }

  end(end: EndFrame): MessageEvent[] {
    const { prompt_tokens, completion_tokens } = end.usage;
    return [
      ...this.segments.finish().map(blockEvent),
      {
        type: 'message_delta',
        delta: stopOf(end),
        usage: usage(prompt_tokens, completion_tokens),
      },
      { type: 'message_stop' },
    ];
  }

  /** The events of a streamed message (a failure after the start ends it: an `error` event). */
  async *events(frames: AsyncIterable<StreamFrame>): AsyncGenerator<MessageEvent> {
    yield* this.start();
    for await (const frame of frames) {
      if (frame.type === 'delta') yield* this.delta(frame);
      else if (frame.type === 'end') yield* this.end(frame);
    }
  }

  /** The whole message of a non-streamed answer. */
  whole(deltas: readonly DeltaFrame[], end: EndFrame): Block {
    for (const frame of deltas) this.segments.push(frame);
    this.segments.finish();
    const { prompt_tokens, completion_tokens } = end.usage;
    return this.message(
      this.segments.segments.map(wholeBlock),
      stopOf(end),
      usage(prompt_tokens, completion_tokens),
    );
  }

  private message(content: Block[], stop: Stop, counts: Block): Block {
    const { id, model } = this.identity;
    return { id, type: 'message', role: 'assistant', model, content, ...stop, usage: counts };
  }
}

function blockEvent(change: SegmentChange): MessageEvent {
  const { segment } = change;
  const index = segment.index;
  if (change.type === 'open') {
    return { type: 'content_block_start', index, content_block: emptyBlock(segment) };
  }
  if (change.type === 'close') return { type: 'content_block_stop', index };
  const delta =
    segment.kind === 'reasoning'
      ? { type: 'thinking_delta', thinking: change.piece }
      : segment.kind === 'text'
        ? { type: 'text_delta', text: change.piece }
        : { type: 'input_json_delta', partial_json: change.piece };
  return { type: 'content_block_delta', index, delta };
}

/** A block as `content_block_start` opens it: its pieces come as deltas. */
function emptyBlock(segment: Segment): Block {
  if (segment.kind === 'reasoning') return { type: 'thinking', thinking: '', signature: '' };
  if (segment.kind === 'text') return { type: 'text', text: '' };
  return { type: 'tool_use', id: segment.id, name: segment.name, input: {} };
}

function wholeBlock(segment: Segment): Block {
  // Local models sign nothing: the signature is empty.
  if (segment.kind === 'reasoning') {
    return { type: 'thinking', thinking: segment.text, signature: '' };
  }
  if (segment.kind === 'text') return { type: 'text', text: segment.text };
  return { type: 'tool_use', id: segment.id, name: segment.name, input: toolInput(segment) };
}

/**
 * The call's arguments as the object Anthropic's `input` is. Arguments a model left as broken
 * JSON cannot be one: the tool gets `{}`, and its own check of the input says what is missing.
 */
function toolInput(segment: Extract<Segment, { kind: 'tool_call' }>): unknown {
  try {
    const input: unknown = JSON.parse(segment.arguments === '' ? '{}' : segment.arguments);
    return input !== null && typeof input === 'object' && !Array.isArray(input) ? input : {};
  } catch {
    return {};
  }
}

function usage(input: number, output: number): Block {
  return {
    input_tokens: input,
    output_tokens: output,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}

type Stop = { stop_reason: string | null; stop_sequence: string | null };

/**
 * Why the model stopped, in Anthropic's words. A stop sequence is `stop_sequence` with the
 * sequence where the backend said which one matched (vLLM); elsewhere it cannot be told from
 * the end of the turn.
 */
function stopOf(end: EndFrame): Stop {
  const stop = (reason: string): Stop => ({ stop_reason: reason, stop_sequence: null });
  if (end.finish_reason === 'length') return stop('max_tokens');
  if (end.finish_reason === 'tool_calls') return stop('tool_use');
  if (end.finish_reason === 'content_filter') return stop('refusal');
  return end.stop_sequence === undefined
    ? stop('end_turn')
    : { stop_reason: 'stop_sequence', stop_sequence: end.stop_sequence };
}
