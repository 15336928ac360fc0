// The process guard: a small Node process between the orchestrator and each program it manages.
//
// Run as `node process-guard.js <program> [args…]` with an IPC channel. It spawns the program
// (an argument array, never a shell) as the leader of a process group of its own, so a signal
// reaches everything the program started. Its one job is the case the orchestrator cannot handle
// itself: when the orchestrator dies, even by SIGKILL, the IPC channel closes, and the guard
// stops the whole group (SIGTERM, then SIGKILL) instead of leaving orphans behind.
import { spawn } from 'node:child_process';
import { GUARD_GRACE_ENV, type GuardMessage, type GuardRequest } from './guard-messages.js';

const [program, ...args] = process.argv.slice(2);
const graceMs = Number(process.env[GUARD_GRACE_ENV] ?? '10000');
delete process.env[GUARD_GRACE_ENV];

function send(message: GuardMessage, then: () => void = () => undefined): void {
  if (process.connected && process.send) process.send(message, () => then());
  else then();
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

if (program === undefined) {
  process.stderr.write('process-guard: no program to run\n');
  process.exit(2);
}

const child = spawn(program, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });

child.once('spawn', () => send({ type: 'spawned', pid: child.pid as number }));
child.once('error', (error: NodeJS.ErrnoException) => {
  send({ type: 'spawn-failed', message: error.message, code: error.code }, () => process.exit(127));
});
child.once('exit', (code, signal) => {
  // Whatever the program left running in its group goes with it.
  signalGroup(child.pid, 'SIGKILL');
  // Leave only once the message is out: exiting at once could drop it.
  send({ type: 'exited', code, signal }, () => process.exit(0));
});

process.on('message', (request: GuardRequest) => {
  if (request.type === 'signal') signalGroup(child.pid, request.signal);
});

// The orchestrator is gone: stop the group as its stop() would have, then leave.
process.once('disconnect', () => {
  signalGroup(child.pid, 'SIGTERM');
  setTimeout(() => signalGroup(child.pid, 'SIGKILL'), graceMs).unref();
});

// The guard itself ignores the terminal's and compose's signals: the orchestrator decides.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => undefined);
