import { checkMessage, parseMessage } from './json-codec.js';
import { replyFrameSchema, type DeltaFrame, type ReplyFrame } from './reply-frames.js';

/**
 * Decodes one reply frame, as `decodeMessage(replyFrameSchema, …)` does, with the same errors.
 *
 * A delta of text, reasoning or both, with nothing else (`type`, `seq`, `text`, `reasoning`,
 * `ttft_ms`) — the frame a streamed answer is made of, one per token — is checked here field by
 * field, as `deltaFrameSchema` says, and handed on as parsed; every other frame, and any delta
 * this does not vouch for, goes through the schema. Checking with the schema copies each frame
 * and builds a few objects per field: under 64 streams it was a sixth of what a gateway allocated
 * (sampled heap profile). The schema stays the definition: `reply-frame-decoder.spec.ts` feeds
 * both the same frames and expects the same answer.
 */
export function decodeReplyFrame(data: Uint8Array): ReplyFrame {
  const json = parseMessage(data, 'reply frame');
  return textDelta(json) ?? checkMessage(replyFrameSchema, json, 'reply frame');
}

/** The frame, when it is a delta of text with no other field; else `undefined`. */
export function textDelta(json: unknown): DeltaFrame | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const frame = json as Record<string, unknown>;
  if (frame['type'] !== 'delta' || !isCount(frame['seq'])) return undefined;
  for (const key in frame) {
    if (!Object.hasOwn(frame, key)) return undefined;
    switch (key) {
      case 'type':
      case 'seq':
        break;
      case 'text':
      case 'reasoning':
        if (typeof frame[key] !== 'string') return undefined;
        break;
      case 'ttft_ms': {
        const ms = frame[key];
        if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return undefined;
        break;
      }
      default:
        return undefined;
    }
  }
  return frame as DeltaFrame;
}

/** What the schema's `seq` is: a whole number, not negative. */
function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
