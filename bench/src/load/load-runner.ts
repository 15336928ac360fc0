import { benchDist } from '../paths.js';
import { ManagedChild } from '../proc/managed-child.js';
import type {
  CancelResult,
  ControlMessage,
  HttpResult,
  LoadJob,
  LoadMessage,
  StreamResult,
} from './jobs.js';

/**
 * Runs one job in a fresh load-generator process and resolves with its result. `onAborted`
 * (cancellation jobs) is awaited before the child may start its next cancellation. Bounded by
 * `timeoutMs`: a stuck run is killed and reported.
 */
export async function runLoad<R extends HttpResult | StreamResult | CancelResult>(
  job: LoadJob,
  timeoutMs: number,
  onAborted?: (index: number, ns: bigint) => Promise<void>,
): Promise<R> {
  const child = new ManagedChild({
    name: `load generator (${job.kind}, ${job.target.path})`,
    command: process.execPath,
    args: [benchDist('load', 'load-main.js')],
    ipc: true,
  });
  const control = (message: ControlMessage): void => void child.child.send(message);
  try {
    return await new Promise<R>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`${child.spec.name} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      child.child.on('message', (message: LoadMessage) => {
        if (message.type === 'result') {
          clearTimeout(timer);
          resolve(message.result as R);
        } else if (message.type === 'failed') {
          clearTimeout(timer);
          reject(new Error(`${child.spec.name} failed: ${message.message}`));
        } else if (message.type === 'aborted') {
          void (onAborted?.(message.index, BigInt(message.ns)) ?? Promise.resolve()).then(() =>
            control({ type: 'next' }),
          );
        }
      });
      void child.exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(
          new Error(
            `${child.spec.name} exited (${code ?? signal}) without a result:\n${child.output()}`,
          ),
        );
      });
      control({ type: 'job', job });
    });
  } finally {
    await child.stop(2_000);
  }
}
