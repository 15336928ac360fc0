import { spawn } from 'node:child_process';
import { serviceEntry } from '../stack/service-entries.js';

/** `switchyard sim …`: runs the backend simulator with the same arguments, in the foreground. */
export function sim(args: readonly string[]): Promise<number> {
  // The simulator's help names the command a person typed (see its cli-args.ts), not its entry.
  const env = Object.assign({}, process.env, { SWITCHYARD_SIM_COMMAND: 'switchyard sim' });
  const child = spawn(process.execPath, [serviceEntry('sim'), ...args], { stdio: 'inherit', env });
  const forward = (signal: NodeJS.Signals): void => void child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      process.removeListener('SIGINT', forward);
      process.removeListener('SIGTERM', forward);
      resolve(code ?? (signal === null ? 1 : 128 + 15));
    }),
  );
}
