// Preloaded into each simulator process (`node --import`): reports, on stdout, the moment the
// simulator's HTTP server sees an inference response close — the same event that aborts its
// generation — with process.hrtime (CLOCK_MONOTONIC, comparable across processes on one host).
// It uses Node's built-in diagnostics channel, so the simulator's code is not changed.
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';

interface RequestStart {
  request: IncomingMessage;
  response: ServerResponse;
}

subscribe('http.server.request.start', (message) => {
  const { request, response } = message as RequestStart;
  if (request.method !== 'POST' || request.url?.startsWith('/_sim') === true) return;
  response.once('close', () => {
    const ns = process.hrtime.bigint();
    const aborted = !response.writableFinished;
    process.stdout.write(`{"event":"bench-close","aborted":${aborted},"ns":"${ns}"}\n`);
  });
});
