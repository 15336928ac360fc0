import { readFileSync, readdirSync } from 'node:fs';
import { waitFor } from './wait-for.js';

/**
 * Whether process `pid` still runs (Linux). An exited process that nobody has reaped yet is a
 * zombie, still known to `kill(pid, 0)`; orphans are reaped by init, which in a container may
 * never come, so the state in /proc is what tells.
 */
export function isProcessRunning(pid: number): boolean {
  const state = stateIn(`/proc/${pid}/stat`);
  return state !== undefined && state !== 'Z' && state !== 'X';
}

/**
 * Stops process `pid` (SIGSTOP) and resolves once every one of its threads has stopped. `kill`
 * returns before they have: a thread the signal catches running (or runnable, on a busy machine)
 * may still answer what reaches it in that moment, as a nats-server answering a PING, and a test
 * of a silent process then passes or fails by chance.
 */
export async function pauseProcess(pid: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  await waitFor(() => threadStates(pid).every((state) => state === 'T' || state === 't'), {
    intervalMs: 1,
    description: `every thread of process ${pid} to stop`,
  });
}

/** Lets a process stopped by {@link pauseProcess} run again. */
export function resumeProcess(pid: number): void {
  process.kill(pid, 'SIGCONT');
}

function threadStates(pid: number): (string | undefined)[] {
  return readdirSync(`/proc/${pid}/task`).map((thread) =>
    stateIn(`/proc/${pid}/task/${thread}/stat`),
  );
}

/** The state letter of a /proc `stat` file, or undefined when it is gone. */
function stateIn(statFile: string): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(statFile, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) S …": the state follows the last ")", as comm may itself hold one.
  return stat.charAt(stat.lastIndexOf(')') + 2);
}
