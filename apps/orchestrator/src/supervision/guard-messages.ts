// What the process guard and the orchestrator say to each other over the guard's IPC channel.

/**
 * The variable in which the orchestrator tells the guard how long the program gets between
 * SIGTERM and SIGKILL when the orchestrator is gone (`orchestrator.stop_grace_ms`). The guard
 * removes it before it starts the program.
 */
export const GUARD_GRACE_ENV = 'SWITCHYARD_GUARD_GRACE_MS';

/** From the guard. */
export type GuardMessage =
  | { type: 'spawned'; pid: number }
  | { type: 'spawn-failed'; message: string; code?: string | undefined }
  | { type: 'exited'; code: number | null; signal: NodeJS.Signals | null };

/** To the guard: send a signal to the program's whole process group. */
export type GuardRequest = { type: 'signal'; signal: NodeJS.Signals };
