#!/usr/bin/env node
// The `switchyard` command.
import { InvalidConfigError, SwitchyardError } from '@switchyard/contracts';
import { EXIT, InterruptedError, UnavailableError, UsageError } from './cli/cli-errors.js';
import { USAGE } from './cli/usage.js';
import { backendLifecycle } from './commands/backend-lifecycle.command.js';
import { chat } from './commands/chat.command.js';
import { logs } from './commands/logs.command.js';
import { models } from './commands/models.command.js';
import { pull } from './commands/pull.command.js';
import { sim } from './commands/sim.command.js';
import { status } from './commands/status.command.js';
import { upCommand } from './commands/up.command.js';
import { OutputClosedError, watchOutput, writeLine } from './output/write.js';

type Command = (args: readonly string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  up: upCommand,
  sim,
  status,
  models,
  pull,
  start: (args) => backendLifecycle('start', args),
  stop: (args) => backendLifecycle('stop', args),
  restart: (args) => backendLifecycle('restart', args),
  logs,
  chat,
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    writeLine(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) throw new UsageError(`unknown command "${name}"`);
  // `sim` has its own help; elsewhere --help before a `--` shows the usage.
  const options = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
  if (name !== 'sim' && (options.includes('--help') || options.includes('-h'))) {
    writeLine(USAGE);
    return EXIT.ok;
  }
  return command(rest);
}

/** Every failure as one line on stderr and its exit code. */
function report(error: unknown): number {
  const say = (line: string): void => void process.stderr.write(`${line}\n`);
  // The reader of stdout has gone (`| head`): the command stopped on purpose, quietly.
  if (error instanceof OutputClosedError) return EXIT.ok;
  if (error instanceof UsageError) {
    say(`switchyard: ${error.message}`);
    say('Run "switchyard help" for usage.');
    return EXIT.usage;
  }
  if (error instanceof UnavailableError) {
    say(`switchyard: ${error.message}`);
    return EXIT.unavailable;
  }
  if (error instanceof InterruptedError) {
    say(`switchyard: ${error.message}; the request was cancelled`);
    return EXIT.interrupted;
  }
  if (error instanceof SwitchyardError) {
    say(`error ${error.code}: ${error.message}`);
    return EXIT.fleetError;
  }
  if (error instanceof InvalidConfigError) {
    say(`switchyard: ${error.message}`);
    return EXIT.invalidConfig;
  }
  say(`switchyard: ${String((error as Error).stack ?? error)}`);
  return EXIT.fleetError;
}

watchOutput();
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  process.exitCode = report(error);
}
