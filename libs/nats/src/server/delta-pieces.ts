import type { ReplyFrame, ToolCallDelta } from '@switchyard/contracts';

type DeltaFrame = Extract<ReplyFrame, { type: 'delta' }>;

/**
 * A delta frame too big for one NATS message, as consecutive deltas that each `fit` and that say,
 * joined, what it said; `undefined` when it cannot be cut that small.
 *
 * What a receiver joins can be cut: reasoning, text and tool-call arguments, each between two
 * code points, and a frame's several tool calls between calls. A delta's parts come in that order
 * (reasoning, then text, then tool calls), so a piece never carries a later part before an earlier
 * one's rest. Text with `logprobs` is not cut (its entries spell it; `logprobPieces` keeps their
 * count small), nor an embedding, a pull's progress or a management result: each is one value.
 */
export function deltaPieces(
  frame: DeltaFrame,
  fits: (piece: DeltaFrame) => boolean,
): DeltaFrame[] | undefined {
  if (fits(frame)) return [frame];
  const halves = halve(frame);
  if (halves === undefined) return undefined;
  const first = deltaPieces(halves[0], fits);
  const second = first === undefined ? undefined : deltaPieces(halves[1], fits);
  return first === undefined || second === undefined ? undefined : [...first, ...second];
}

/** The frame as two deltas, the first ending where the second takes up; undefined if it cannot. */
function halve(frame: DeltaFrame): [DeltaFrame, DeltaFrame] | undefined {
  const { seq, reasoning, text, tool_calls: calls, ttft_ms: ttft } = frame;
  if (
    frame.logprobs !== undefined ||
    frame.embedding !== undefined ||
    frame.progress !== undefined ||
    frame.result !== undefined
  ) {
    return undefined;
  }
  // The time to first output belongs to the first piece only.
  const head = (fields: Partial<DeltaFrame>): DeltaFrame =>
    Object.assign(
      { type: 'delta' as const, seq },
      ttft === undefined ? {} : { ttft_ms: ttft },
      fields,
    );
  const tail = (fields: Partial<DeltaFrame>): DeltaFrame =>
    Object.assign({ type: 'delta' as const, seq }, fields);

  // Several parts: cut between the first and the rest.
  if (reasoning !== undefined && (text !== undefined || calls !== undefined)) {
    return [head({ reasoning }), tail(withParts(text, calls))];
  }
  if (text !== undefined && calls !== undefined)
    return [head({ text }), tail({ tool_calls: calls })];

  if (reasoning !== undefined) {
    const parts = cutInTwo(reasoning);
    return parts && [head({ reasoning: parts[0] }), tail({ reasoning: parts[1] })];
  }
  if (text !== undefined) {
    const parts = cutInTwo(text);
    return parts && [head({ text: parts[0] }), tail({ text: parts[1] })];
  }
  if (calls === undefined || calls.length === 0) return undefined;
  if (calls.length > 1) {
    const middle = calls.length >> 1;
    return [
      head({ tool_calls: calls.slice(0, middle) }),
      tail({ tool_calls: calls.slice(middle) }),
    ];
  }
  const [call] = calls as [ToolCallDelta];
  const parts = call.arguments === undefined ? undefined : cutInTwo(call.arguments);
  // The rest of a call's arguments is a fragment of the same index, which receivers append.
  return (
    parts && [
      head({ tool_calls: [Object.assign({}, call, { arguments: parts[0] })] }),
      tail({ tool_calls: [{ index: call.index, arguments: parts[1] }] }),
    ]
  );
}

function withParts(
  text: string | undefined,
  calls: ToolCallDelta[] | undefined,
): Partial<DeltaFrame> {
  const parts: Partial<DeltaFrame> = {};
  if (text !== undefined) parts.text = text;
  if (calls !== undefined) parts.tool_calls = calls;
  return parts;
}

/** `value` cut in two near its middle, never inside a surrogate pair; undefined if it cannot. */
function cutInTwo(value: string): [string, string] | undefined {
  let at = value.length >> 1;
  if (isHighSurrogate(value.charCodeAt(at - 1))) at--;
  return at <= 0 ? undefined : [value.slice(0, at), value.slice(at)];
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
