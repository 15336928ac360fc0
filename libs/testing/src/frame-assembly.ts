import type { DeltaFrame, ToolCall } from '@switchyard/contracts';

/** What a stream's delta frames add up to. */
export interface AssembledDeltas {
  text: string;
  reasoning: string;
  /** Tool calls in index order, each from its fragments (`arguments` concatenated). */
  tool_calls: ToolCall[];
  /** Base64 float32 vectors by input index. */
  embeddings: string[];
}

/**
 * Puts the deltas of a stream back together the way a client must: text and reasoning joined,
 * tool-call fragments grouped by `index` (id and name from the fragment that carries them,
 * arguments concatenated), embeddings by index. A fragment that names a different id or name
 * for an index it already has is a protocol error and throws.
 */
export function assembleDeltas(deltas: readonly DeltaFrame[]): AssembledDeltas {
  let text = '';
  let reasoning = '';
  const calls = new Map<number, { id?: string; name?: string; arguments: string }>();
  const embeddings: string[] = [];
  for (const delta of deltas) {
    text += delta.text ?? '';
    reasoning += delta.reasoning ?? '';
    for (const fragment of delta.tool_calls ?? []) {
      const call = calls.get(fragment.index) ?? { arguments: '' };
      for (const key of ['id', 'name'] as const) {
        const value = fragment[key];
        if (value === undefined) continue;
        if (call[key] !== undefined && call[key] !== value) {
          throw new Error(`tool call ${fragment.index} changed its ${key} mid-stream`);
        }
        call[key] = value;
      }
      call.arguments += fragment.arguments ?? '';
      calls.set(fragment.index, call);
    }
    if (delta.embedding) embeddings[delta.embedding.index] = delta.embedding.b64;
  }
  const tool_calls = [...calls.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, call]) => ({ id: call.id ?? '', name: call.name ?? '', arguments: call.arguments }));
  return { text, reasoning, tool_calls, embeddings };
}

/** An embedding frame's vector: base64 of little-endian float32 values. */
export function float32FromBase64(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: bytes.length / 4 }, (_v, i) => view.getFloat32(i * 4, true));
}
