import type { DeltaFrame, GeneratedTokenLogprob, ToolCallDelta } from '@switchyard/contracts';

/**
 * A run of one kind in an answer: the model's reasoning, its text, or one tool call. APIs whose
 * answers are lists of such parts (the Responses API's output items, Anthropic's content blocks)
 * build them from these.
 */
export type Segment =
  | { kind: 'reasoning'; index: number; text: string }
  | { kind: 'text'; index: number; text: string; logprobs: GeneratedTokenLogprob[] }
  | {
      kind: 'tool_call';
      index: number;
      /** The call's `index` in the frames. */
      callIndex: number;
      id: string;
      name: string;
      arguments: string;
    };

/**
 * What a delta did to the segments. Each change holds the live segment, which later pieces keep
 * growing: an `open` is rendered as an empty part (its pieces come as `append`s), a `close` as
 * the segment whole.
 */
export type SegmentChange =
  | { type: 'open'; segment: Segment }
  | {
      type: 'append';
      segment: Segment;
      /** The text, reasoning or arguments added. */
      piece: string;
      /** For text: the added tokens' log-probabilities. */
      logprobs?: readonly GeneratedTokenLogprob[];
    }
  | { type: 'close'; segment: Segment };

/**
 * Splits an answer's deltas into segments in the order the model produced them. Every change of
 * kind closes the open segment and opens the next, so segments never overlap and each is opened,
 * appended to and closed exactly once, in order; `finish` closes the last. A fragment of a tool
 * call whose segment is closed already (calls interleaved) is appended to it where it stands.
 */
export class AnswerSegments {
  private readonly all: Segment[] = [];
  private current: Segment | undefined;
  private readonly calls = new Map<number, Extract<Segment, { kind: 'tool_call' }>>();

  /** Every segment so far, in order. */
  get segments(): readonly Segment[] {
    return this.all;
  }

  /** The segment still being written, if any. */
  get open(): Segment | undefined {
    return this.current;
  }

  push(frame: DeltaFrame): SegmentChange[] {
    const changes: SegmentChange[] = [];
    if (frame.reasoning !== undefined && frame.reasoning !== '') {
      const segment = this.ensure('reasoning', changes) as Extract<Segment, { kind: 'reasoning' }>;
      segment.text += frame.reasoning;
      changes.push({ type: 'append', segment, piece: frame.reasoning });
    }
    if (frame.text !== undefined && (frame.text !== '' || (frame.logprobs?.length ?? 0) > 0)) {
      const segment = this.ensure('text', changes) as Extract<Segment, { kind: 'text' }>;
      const logprobs = frame.logprobs ?? [];
      segment.text += frame.text;
      for (const entry of logprobs) segment.logprobs.push(entry);
      changes.push({ type: 'append', segment, piece: frame.text, logprobs });
    }
    for (const fragment of frame.tool_calls ?? []) this.toolCall(fragment, changes);
    return changes;
  }

  /** Closes the open segment: the answer ended. */
  finish(): SegmentChange[] {
    const changes: SegmentChange[] = [];
    this.close(changes);
    return changes;
  }

  private ensure(kind: 'reasoning' | 'text', changes: SegmentChange[]): Segment {
    if (this.current?.kind === kind) return this.current;
    this.close(changes);
    const index = this.all.length;
    return this.opened(
      kind === 'text' ? { kind, index, text: '', logprobs: [] } : { kind, index, text: '' },
      changes,
    );
  }

  private toolCall(fragment: ToolCallDelta, changes: SegmentChange[]): void {
    let segment = this.calls.get(fragment.index);
    if (segment === undefined) {
      this.close(changes);
      segment = {
        kind: 'tool_call',
        index: this.all.length,
        callIndex: fragment.index,
        // As the chat API's answers do when a backend gave no id.
        id: fragment.id ?? `call_${fragment.index}`,
        name: fragment.name ?? '',
        arguments: '',
      };
      this.calls.set(fragment.index, segment);
      this.opened(segment, changes);
    } else if (fragment.name !== undefined) {
      segment.name += fragment.name;
    }
    if (fragment.arguments !== undefined && fragment.arguments !== '') {
      segment.arguments += fragment.arguments;
      changes.push({ type: 'append', segment, piece: fragment.arguments });
    }
  }

  private opened<S extends Segment>(segment: S, changes: SegmentChange[]): S {
    this.all.push(segment);
    this.current = segment;
    changes.push({ type: 'open', segment });
    return segment;
  }

  private close(changes: SegmentChange[]): void {
    const segment = this.current;
    if (segment === undefined) return;
    this.current = undefined;
    changes.push({ type: 'close', segment });
  }
}
