import type { InferenceLease } from './sim-context.js';
import type { Outcome } from './sim-stats.js';
import type { RequestContext } from './router.js';
import { RequestAbortedError, type SimHttpError } from './sim-errors.js';
import { sendHttpError } from './http-io.js';
import { sleep } from './timing.js';

/** Durations of one generation, in nanoseconds, measured while it ran. */
export interface GenerationTimings {
  loadNs: number;
  /** From model ready to the first token (prompt processing). */
  promptEvalNs: number;
  /** From the first token to the last. */
  evalNs: number;
  /** From arrival to the end. */
  totalNs: number;
}

/** The bytes of one streamed answer, as a kind frames them. */
export interface StreamScript {
  contentType: string;
  /** Send the headers before the first token (SSE servers) rather than with it (Ollama). */
  headersEarly?: boolean;
  /** Written together with the first token (vLLM's role-only chunk). */
  head?: string;
  /** Frames, one per token (or tool-call fragment); built when written, so timestamps are live. */
  stepCount: number;
  step(index: number): string;
  /** The closing frames, built once the timings are known. */
  tail(timings: GenerationTimings): string;
  /** The kind's in-band error frames, for `errorAfterTokens`. */
  error(): string;
  /** A frame a client cannot parse, for `malformedAfterTokens`. */
  malformed: string;
}

/** A non-streamed answer: how many tokens it takes to make, and its body. */
export interface PlainScript {
  tokens: number;
  status?: number;
  body(timings: GenerationTimings): unknown;
  /** The kind's error for `errorAfterTokens` (a plain answer cannot fail half-way). */
  error(): SimHttpError;
}

/**
 * Streams a script with the simulator's pacing and the current faults: waits the time to first
 * token, writes one frame per token, stops the moment the client leaves (timers cleared), and
 * honours hang / drop / in-band error / malformed-chunk faults.
 */
export async function runStream(
  ctx: RequestContext,
  lease: InferenceLease,
  script: StreamScript,
): Promise<Outcome> {
  const { res, signal } = ctx;
  const { faults } = lease;
  const readyNs = now();
  try {
    if (script.headersEarly) res.writeHead(200, streamHeaders(script.contentType));
    await hang(lease, signal);
    await sleep(lease.ttftMs, signal);
    const firstNs = now();
    if (!res.headersSent) res.writeHead(200, streamHeaders(script.contentType));
    if (script.head) res.write(script.head);
    const delay = lease.tokenDelayMs;
    if (delay <= 0) res.cork();
    for (let i = 0; i < script.stepCount; i++) {
      if (i === faults.dropAfterTokens) return drop(ctx);
      if (i === faults.errorAfterTokens) return endWith(ctx, script.error());
      if (i === faults.malformedAfterTokens) res.write(script.malformed);
      if (i > 0 && delay > 0) await sleep(delay, signal);
      if (signal.aborted) return 'aborted';
      res.write(script.step(i));
    }
    const count = script.stepCount;
    if (count === faults.dropAfterTokens) return drop(ctx);
    if (count === faults.errorAfterTokens) return endWith(ctx, script.error());
    if (count === faults.malformedAfterTokens) res.write(script.malformed);
    const endNs = now();
    res.end(
      script.tail({
        loadNs: lease.loadNs,
        promptEvalNs: firstNs - readyNs,
        evalNs: endNs - firstNs,
        totalNs: endNs - ctx.arrivedNs,
      }),
    );
    if (delay <= 0) res.uncork();
    return 'completed';
  } catch (error) {
    if (error instanceof RequestAbortedError) return 'aborted';
    throw error;
  }
}

/**
 * Answers in one piece after the time the tokens would have taken, with the same faults: a
 * drop closes the connection without an answer, `errorAfterTokens` answers the kind's error,
 * a malformed answer is a truncated JSON body.
 */
export async function runPlain(
  ctx: RequestContext,
  lease: InferenceLease,
  script: PlainScript,
): Promise<Outcome> {
  const { res, signal } = ctx;
  const { faults } = lease;
  const readyNs = now();
  try {
    await hang(lease, signal);
    await sleep(lease.ttftMs, signal);
    const firstNs = now();
    const cut = [faults.dropAfterTokens, faults.errorAfterTokens].filter(
      (n): n is number => n !== null && n <= script.tokens,
    );
    const tokens = cut.length > 0 ? Math.min(...cut) : script.tokens;
    await sleep(Math.max(0, tokens - 1) * lease.tokenDelayMs, signal);
    if (tokens === faults.dropAfterTokens) return drop(ctx);
    if (tokens === faults.errorAfterTokens) {
      sendHttpError(res, script.error());
      return 'failed';
    }
    const endNs = now();
    const body = script.body({
      loadNs: lease.loadNs,
      promptEvalNs: firstNs - readyNs,
      evalNs: endNs - firstNs,
      totalNs: endNs - ctx.arrivedNs,
    });
    let text = JSON.stringify(body);
    if (faults.malformedAfterTokens !== null && faults.malformedAfterTokens <= script.tokens) {
      text = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
    }
    res.writeHead(script.status ?? 200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
    return 'completed';
  } catch (error) {
    if (error instanceof RequestAbortedError) return 'aborted';
    throw error;
  }
}

async function hang(lease: InferenceLease, signal: AbortSignal): Promise<void> {
  const { hangMs } = lease.faults;
  if (hangMs === -1) {
    await new Promise<never>((_, reject) => {
      const onAbort = () => reject(new RequestAbortedError('aborted while hanging'));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }
  if (hangMs > 0) await sleep(hangMs, signal);
}

function drop(ctx: RequestContext): Outcome {
  // A crash mid-answer: what was written still arrives, then the connection closes without
  // the end of the HTTP message (no last chunk), which every client reports as an error.
  const { res } = ctx;
  while (res.writableCorked > 0) res.uncork();
  const socket = res.socket;
  if (socket) socket.end(() => socket.destroy());
  else res.destroy();
  return 'failed';
}

function endWith(ctx: RequestContext, frames: string): Outcome {
  ctx.res.end(frames);
  return 'failed';
}

function streamHeaders(contentType: string): Record<string, string> {
  return contentType.startsWith('text/event-stream')
    ? { 'content-type': contentType, 'cache-control': 'no-cache', connection: 'keep-alive' }
    : { 'content-type': contentType };
}

const now = (): number => Number(process.hrtime.bigint());
