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

export interface LoggerOptions {
  /** The service name, on every line as `service`. */
  service: string;
  config: LogConfig;
  /** Where lines go; stdout by default. */
  destination?: NodeJS.WritableStream;
  /** Whether that destination is a terminal (for `format: auto`). */
  isTerminal?: boolean;
}

/** JSON lines for machines; coloured, human-readable lines when attached to a terminal. */
export function createLogger(options: LoggerOptions): Logger {
  const destination = options.destination ?? process.stdout;
  const isTerminal = options.isTerminal ?? process.stdout.isTTY === true;
  const pretty =
    options.config.format === 'pretty' || (options.config.format === 'auto' && isTerminal);
  const settings = {
    level: options.config.level,
    base: { service: options.service, pid: process.pid },
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
  };
  return pretty
    ? pino(settings, PinoPretty({ destination, colorize: isTerminal, sync: true }))
    : pino(settings, destination);
}
