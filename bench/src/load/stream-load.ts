import { Agent, request } from 'undici';
import { summarize } from '../stats.js';
import type { StreamJob, StreamResult } from './jobs.js';
import { ChatStreamParser } from './sse.js';

/** Upper bound on kept inter-token gaps (512 streams × 200 tokens fit many times over). */
const MAX_GAPS = 2_000_000;

interface OneStream {
  ttftMs: number;
  failure: string | null;
}

/**
 * Streams in batches of `concurrency`; each stream's time to first content chunk and the gaps
 * between its content chunks are recorded, and the stream is checked: finished ([DONE] and a
 * finish reason), as many content chunks as the direct answer had, and the same text — a dropped
 * or reordered frame changes the text.
 */
export async function runStreams(job: StreamJob): Promise<StreamResult> {
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: null });
  const headers = { ...job.target.headers, 'content-type': 'application/json' };
  const ttfts: number[] = [];
  const gaps: number[] = [];
  const failures: Record<string, number> = {};
  const url = job.target.urls[0] as string;

  const one = async (): Promise<OneStream> => {
    const sent = performance.now();
    let last = Number.NaN;
    let ttftMs = Number.NaN;
    const parser = new ChatStreamParser(() => {
      const now = performance.now();
      if (Number.isNaN(last)) ttftMs = now - sent;
      else if (gaps.length < MAX_GAPS) gaps.push(now - last);
      last = now;
    });
    try {
      const response = await request(url, {
        method: 'POST',
        headers,
        body: job.body,
        dispatcher: agent,
        headersTimeout: 120_000,
        bodyTimeout: 60_000,
      });
      if (response.statusCode !== 200) {
        await response.body.text();
        return { ttftMs, failure: `HTTP ${response.statusCode}` };
      }
      response.body.setEncoding('utf8');
      for await (const chunk of response.body) parser.feed(chunk as string);
    } catch (error) {
      return { ttftMs, failure: `connection error (${(error as Error).message})` };
    }
    const { state } = parser;
    if (state.error !== null) return { ttftMs, failure: state.error };
    if (!state.done || state.finishReason === null) return { ttftMs, failure: 'incomplete' };
    // The text decides: a gateway may carry tokens that arrived together in one chunk (Switchyard
    // joins them), so fewer chunks than tokens is no failure; a missing or moved token is.
    if (state.text !== job.expected.text) {
      return {
        ttftMs,
        failure: state.text.length < job.expected.text.length ? 'dropped tokens' : 'altered text',
      };
    }
    if (state.chunks > job.expected.chunks) return { ttftMs, failure: 'more chunks than tokens' };
    return { ttftMs, failure: null };
  };

  const started = performance.now();
  for (let batch = 0; batch < job.batches; batch++) {
    const results = await Promise.all(Array.from({ length: job.concurrency }, one));
    for (const result of results) {
      if (Number.isFinite(result.ttftMs)) ttfts.push(result.ttftMs);
      if (result.failure !== null) failures[result.failure] = (failures[result.failure] ?? 0) + 1;
    }
  }
  const elapsedSec = (performance.now() - started) / 1000;
  await agent.close();
  return {
    streams: job.concurrency * job.batches,
    failures,
    ttftMs: summarize(ttfts),
    gapMs: summarize(gaps),
    elapsedSec,
  };
}
