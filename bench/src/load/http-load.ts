import autocannon from 'autocannon';
import { summarize } from '../stats.js';
import type { HttpJob, HttpResult } from './jobs.js';

/** Upper bound on kept latency samples; beyond it every further sample replaces a random one. */
const MAX_SAMPLES = 1_000_000;

/**
 * Non-streaming load with autocannon. Latencies come from autocannon's per-response event
 * (fractional milliseconds), not its histogram, which rounds to whole milliseconds — too coarse
 * for an added latency below one millisecond.
 */
export async function runHttp(job: HttpJob): Promise<HttpResult> {
  const url = job.target.urls[0];
  if (url === undefined) throw new Error('an http job needs one URL');
  const latencies: number[] = [];
  let ok = 0;
  let seen = 0;
  const started = process.hrtime.bigint();
  const record = (statusCode: number, responseTime: number): void => {
    if (statusCode < 200 || statusCode >= 300) return;
    ok += 1;
    seen += 1;
    if (latencies.length < MAX_SAMPLES) latencies.push(responseTime);
    else {
      const slot = Math.floor(Math.random() * seen);
      if (slot < MAX_SAMPLES) latencies[slot] = responseTime;
    }
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        method: 'POST',
        headers: { ...job.target.headers, 'content-type': 'application/json' },
        body: job.body,
        connections: job.connections,
        duration: job.durationSec,
        timeout: 30,
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) =>
      record(statusCode, responseTime),
    );
  });
  const elapsedSec = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    ok,
    errors: result.errors + result.timeouts + result.non2xx,
    elapsedSec: result.duration > 0 ? result.duration : elapsedSec,
    rps: ok / (result.duration > 0 ? result.duration : elapsedSec),
    latencyMs: summarize(latencies),
  };
}
