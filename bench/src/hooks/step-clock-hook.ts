// Preloaded into each process of a request's path (`node --import`): records when the steps of
// requests happened in this process, from diagnostics channels — Node's HTTP server, undici, and
// the tracing channels of Switchyard and of the relay — while the harness asks it to.
//
// SIGUSR2 starts recording (the process says `{"event":"bench-steps-recording"}` on stdout); the
// next SIGUSR2 stops it, writes what it recorded to a file and says where:
// `{"event":"bench-steps","file":"…"}`. Between the two signals no channel has a subscriber here,
// so the process runs exactly as it would without this hook. Times are process.hrtime
// (CLOCK_MONOTONIC, comparable across the processes of one host).
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Steps kept per recording: some 15 per request, so an hour at concurrency 1. */
const MAX_STEPS = 2_000_000;

const channels = JSON.parse(process.env['BENCH_STEP_CHANNELS'] ?? '[]') as string[];
const names: string[] = [];
const times: bigint[] = [];
let recording = false;

/** Requests of other methods (a worker listing its backend's models) are not the measured ones. */
function isMeasured(message: unknown): boolean {
  const method = (message as { request?: { method?: unknown } } | undefined)?.request?.method;
  return method === undefined || method === 'POST';
}

const recorders = channels.map((name) => ({
  name,
  record: (message: unknown): void => {
    if (names.length >= MAX_STEPS || !isMeasured(message)) return;
    times.push(process.hrtime.bigint());
    names.push(name);
  },
}));

process.on('SIGUSR2', () => {
  recording = !recording;
  if (recording) {
    names.length = 0;
    times.length = 0;
    for (const { name, record } of recorders) subscribe(name, record);
    process.stdout.write('{"event":"bench-steps-recording"}\n');
    return;
  }
  for (const { name, record } of recorders) unsubscribe(name, record);
  const file = join(tmpdir(), `switchyard-bench-steps-${process.pid}.json`);
  const steps = names.map((name, i) => [name, String(times[i])]);
  writeFileSync(file, JSON.stringify({ steps }));
  process.stdout.write(`${JSON.stringify({ event: 'bench-steps', file })}\n`);
});
