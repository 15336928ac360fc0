import { Agent, request } from 'undici';
import { summarize } from '../stats.js';
import type { HttpResult, LoopJob } from './jobs.js';

/**
 * Closed-loop non-streaming load over several URLs taken in turn: `concurrency` callers, each
 * sending its next request when the last one answered, until the duration is over.
 */
export async function runLoop(job: LoopJob): Promise<HttpResult> {
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const headers = { ...job.target.headers, 'content-type': 'application/json' };
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const endAt = started + job.durationSec * 1000;
  const caller = async (): Promise<void> => {
    while (performance.now() < endAt) {
      const url = job.target.urls[next++ % job.target.urls.length] as string;
      const sent = performance.now();
      try {
        const response = await request(url, {
          method: 'POST',
          headers,
          body: job.body,
          dispatcher: agent,
          headersTimeout: 60_000,
          bodyTimeout: 60_000,
        });
        await response.body.text();
        if (response.statusCode >= 200 && response.statusCode < 300) {
          // Only answers that finished inside the window count towards the rate.
          if (performance.now() <= endAt) ok += 1;
          latencies.push(performance.now() - sent);
        } else errors += 1;
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, caller));
  await agent.close();
  const elapsedSec = job.durationSec;
  return { ok, errors, elapsedSec, rps: ok / elapsedSec, latencyMs: summarize(latencies) };
}
