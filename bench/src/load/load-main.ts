// The load generator: a child process of the harness, so its own CPU use never shares an event
// loop with the processes being measured. It receives one job over IPC, runs it, sends the
// result back as JSON and exits.
import type { ControlMessage, LoadJob, LoadMessage } from './jobs.js';
import { runCancels } from './cancel-load.js';
import { runHttp } from './http-load.js';
import { runLoop } from './loop-load.js';
import { runStreams } from './stream-load.js';

const send = (message: LoadMessage): Promise<void> =>
  new Promise((resolve, reject) =>
    process.send?.(message, undefined, {}, (error) => (error ? reject(error) : resolve())),
  );

let waitingForNext: (() => void) | undefined;

async function run(job: LoadJob): Promise<void> {
  try {
    const result =
      job.kind === 'http'
        ? await runHttp(job)
        : job.kind === 'loop'
          ? await runLoop(job)
          : job.kind === 'streams'
            ? await runStreams(job)
            : await runCancels(
                job,
                (message) => void send(message),
                () => new Promise<void>((resolve) => (waitingForNext = resolve)),
              );
    await send({ type: 'result', result });
  } catch (error) {
    await send({ type: 'failed', message: (error as Error).stack ?? String(error) });
  }
  process.disconnect();
}

if (process.send === undefined) {
  process.stderr.write('load-main runs as a child of the benchmark harness (IPC channel needed)\n');
  process.exit(2);
}
process.on('message', (message: ControlMessage) => {
  if (message.type === 'job') void run(message.job);
  else if (message.type === 'next') waitingForNext?.();
});
