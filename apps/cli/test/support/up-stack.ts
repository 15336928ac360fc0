import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SwitchyardConfigInput } from '@switchyard/contracts';
import { startServiceProcess, waitFor, type ServiceProcess } from '@switchyard/testing';
import { CLI_ENTRY } from './run-cli.js';

/**
 * `switchyard up` run as a person runs it, with a configuration file of the test's, in a
 * directory of its own: `tmp` there is up's temporary directory (its nats-server's JetStream
 * store). Started, it has printed its banner's last line ("Ctrl-C stops everything") or exited.
 */
export class UpStack {
  private printed = '';

  private constructor(
    readonly dir: string,
    readonly configFile: string,
    readonly tmp: string,
    readonly service: ServiceProcess,
  ) {
    service.child.stdout?.on('data', (chunk: Buffer) => (this.printed += chunk.toString('utf8')));
  }

  /** Starts `up <args> --config <file>` with `config`; `name` names its directory. */
  static async start(
    name: string,
    config: SwitchyardConfigInput,
    args: readonly string[] = [],
  ): Promise<UpStack> {
    const dir = mkdtempSync(join(tmpdir(), `switchyard-${name}-`));
    const configFile = join(dir, 'switchyard.json');
    const tmp = join(dir, 'tmp');
    writeFileSync(configFile, JSON.stringify(config));
    mkdirSync(tmp);
    const service = startServiceProcess(CLI_ENTRY, {
      args: ['up', ...args, '--config', configFile],
      env: { TMPDIR: tmp },
    });
    const stack = new UpStack(dir, configFile, tmp, service);
    await waitFor(
      () => stack.output().includes('Ctrl-C stops everything') || service.child.exitCode !== null,
      { timeoutMs: 60_000, description: 'the stack to be ready' },
    );
    return stack;
  }

  /** What `up` printed on stdout so far. */
  output(): string {
    return this.printed;
  }

  /** Stops it with SIGTERM (SIGKILL would leave its nats-server running) and removes its files. */
  async close(): Promise<void> {
    if (this.service.child.exitCode === null) await this.service.stop('SIGTERM');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
