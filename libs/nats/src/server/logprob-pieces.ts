import type { StreamUpdate } from './stream-handler.js';

type Delta = Extract<StreamUpdate, { type: 'delta' }>;

/**
 * The most token log-probabilities one delta frame carries. An entry with 20 alternatives is
 * 1–3 KB of JSON, so a whole non-streamed answer's entries in one frame would pass NATS's
 * payload limit (1 MiB by default) after a few hundred tokens; 128 entries stay a few hundred KB.
 */
export const MAX_LOGPROBS_PER_FRAME = 128;

/**
 * A text delta with more log-probabilities than a frame carries, as consecutive deltas of at most
 * {@link MAX_LOGPROBS_PER_FRAME} entries each, with the text of their tokens. Entries whose tokens
 * do not spell the text (a backend that names byte tokens apart) leave the rest of the text to
 * the last piece: joined, the pieces give the same text and the same entries either way.
 */
export function logprobPieces(delta: Delta): Delta[] {
  const entries = delta.logprobs;
  if (entries === undefined || entries.length <= MAX_LOGPROBS_PER_FRAME) return [delta];
  const text = delta.text ?? '';
  const pieces: Delta[] = [];
  let offset = 0;
  let aligned = true;
  for (let start = 0; start < entries.length; start += MAX_LOGPROBS_PER_FRAME) {
    const slice = entries.slice(start, start + MAX_LOGPROBS_PER_FRAME);
    const last = start + MAX_LOGPROBS_PER_FRAME >= entries.length;
    const spelled = slice.map((entry) => entry.token).join('');
    aligned &&= text.startsWith(spelled, offset);
    let pieceText = '';
    if (last) pieceText = text.slice(offset);
    else if (aligned) pieceText = spelled;
    offset += pieceText.length;
    // The time to first output belongs to the first piece only.
    const { ttft_ms: _ttft, ...rest } = delta;
    pieces.push(
      Object.assign({}, start === 0 ? delta : rest, { text: pieceText, logprobs: slice }),
    );
  }
  return pieces;
}
