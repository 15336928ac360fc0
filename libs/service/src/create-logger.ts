import { pino, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';
import type { LogConfig } from '@switchyard/contracts';

export type { Logger } from 'pino';

/**
 * Paths whose values never reach a log line: configuration secrets and credentials in
 * anything logged about requests.
 */
export const REDACTED_LOG_PATHS = [
  'password',
  'token',
  'nkey_seed',
  'api_key',
  'authorization',
  '*.password',
  '*.token',
  '*.nkey_seed',
  '*.api_key',
  '*.authorization',
  'config.nats.password',
  'config.nats.token',
  'config.nats.nkey_seed',
  'config.backends[*].api_key',
  'headers.authorization',
  'req.headers.authorization',
];

/**
 * Set to `1` by a supervisor that prints a service's output on a terminal (`switchyard up`): the
 * service's stdout is then a pipe, yet its lines end up before a person, so `format: auto` makes
 * them readable. Not a configuration field, so its name starts with no section's.
 */
export const TERMINAL_OUTPUT_ENV = 'SWITCHYARD_TERMINAL_OUTPUT';

export interface LoggerOptions {
  /** The service name, on every line as `service`. */
  service: string;
  config: LogConfig;
  /** Where lines go; stdout by default. */
  destination?: NodeJS.WritableStream;
  /**
   * Whether that destination is a terminal (for `format: auto`); by default, whether stdout is
   * one or reaches one through a supervisor ({@link TERMINAL_OUTPUT_ENV}).
   */
  isTerminal?: boolean;
}

/** JSON lines for machines; coloured, human-readable lines when attached to a terminal. */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? process.stdout;
  const isTerminal =
    options.isTerminal ??
    (process.stdout.isTTY === true || process.env[TERMINAL_OUTPUT_ENV] === '1');
  const pretty =
    options.config.format === 'pretty' || (options.config.format === 'auto' && isTerminal);
  const settings = {
    level: options.config.level,
    base: { service: options.service, pid: process.pid },
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
    // pino's default `err` appends every cause's message to the error's own, and Switchyard's
    // errors already quote their cause (`backend unreachable: connect ECONNREFUSED …`): the line
    // said it twice. Causes stay, as `err.cause`, whole.
    serializers: { err: pino.stdSerializers.errWithCause },
  };
  return pretty
    ? pino(settings, PinoPretty({ destination, colorize: isTerminal, sync: true }))
    : pino(settings, destination);
}
