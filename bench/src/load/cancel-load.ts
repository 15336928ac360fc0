import { Agent, request } from 'undici';
import type { CancelJob, CancelResult, LoadMessage } from './jobs.js';
import { ChatStreamParser } from './sse.js';

/**
 * One cancellation at a time: start a stream, read `afterChunks` content chunks, abort the
 * request (which closes the connection, as a client that goes away does), report the abort time
 * on the shared monotonic clock, then wait for the harness's go-ahead (it waits until the
 * simulator saw the close, or gives up) before the next one.
 */
export async function runCancels(
  job: CancelJob,
  send: (message: LoadMessage) => void,
  nextSignal: () => Promise<void>,
): Promise<CancelResult> {
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const headers = { ...job.target.headers, 'content-type': 'application/json' };
  const url = job.target.urls[0] as string;
  const errors: Record<string, number> = {};
  let aborted = 0;
  for (let index = 0; index < job.count; index++) {
    const controller = new AbortController();
    let reachedChunks!: () => void;
    const reached = new Promise<void>((resolve) => (reachedChunks = resolve));
    const parser = new ChatStreamParser(() => {
      if (parser.state.chunks + 1 >= job.afterChunks) reachedChunks();
    });
    const reading = (async () => {
      const response = await request(url, {
        method: 'POST',
        headers,
        body: job.body,
        dispatcher: agent,
        signal: controller.signal,
        headersTimeout: 30_000,
        bodyTimeout: 30_000,
      });
      if (response.statusCode !== 200) throw new Error(`HTTP ${response.statusCode}`);
      response.body.setEncoding('utf8');
      for await (const chunk of response.body) parser.feed(chunk as string);
      throw new Error('the stream ended before the abort');
    })();
    const outcome = await Promise.race([
      reached.then(() => 'reached'),
      reading.catch((e: Error) => e.message),
    ]);
    if (outcome !== 'reached') {
      errors[outcome] = (errors[outcome] ?? 0) + 1;
      continue;
    }
    const ns = process.hrtime.bigint();
    controller.abort();
    await reading.catch(() => undefined);
    aborted += 1;
    const next = nextSignal();
    send({ type: 'aborted', index, ns: ns.toString() });
    await next;
  }
  await agent.close();
  return { aborted, errors };
}
