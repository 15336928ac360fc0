import { readFileSync } from 'node:fs';

/**
 * Whether process `pid` still runs (Linux). An exited process that nobody has reaped yet is a
 * zombie, still known to `kill(pid, 0)`; orphans are reaped by init, which in a container may
 * never come, so the state in /proc is what tells.
 */
export function isProcessRunning(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // "pid (comm) S …": the state follows the last ")", as comm may itself hold one.
  const state = stat.charAt(stat.lastIndexOf(')') + 2);
  return state !== 'Z' && state !== 'X';
}
