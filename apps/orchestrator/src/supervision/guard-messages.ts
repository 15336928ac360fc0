// What the process guard and the orchestrator say to each other over the guard's IPC channel.

/** From the guard. */
export type GuardMessage =
  | { type: 'spawned'; pid: number }
  | { type: 'spawn-failed'; message: string; code?: string | undefined }
  | { type: 'exited'; code: number | null; signal: NodeJS.Signals | null };

/** To the guard: send a signal to the program's whole process group. */
export type GuardRequest = { type: 'signal'; signal: NodeJS.Signals };
