import { EXIT_INVALID_CONFIG } from '@switchyard/service';

/** The exit codes of `switchyard`, as the usage text and the README list them. */
export const EXIT = {
  ok: 0,
  /** The fleet answered with an error. */
  fleetError: 1,
  /** Unknown command or option, missing or malformed argument. */
  usage: 2,
  /**
   * NATS cannot be reached (or, for `up`, started), or no service answers the command (sysexits
   * EX_UNAVAILABLE).
   */
  unavailable: 69,
  /** The configuration file or environment is invalid: the services' own code (EX_CONFIG). */
  invalidConfig: EXIT_INVALID_CONFIG,
  /** Ctrl-C (or SIGTERM) stopped a command; its request was cancelled. */
  interrupted: 130,
} as const;

/** The command line is wrong: the message names the problem in one line. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** NATS is unreachable, or nothing answers: the message says which service is missing and how to start it. */
export class UnavailableError extends Error {
  override readonly name: string = 'UnavailableError';
}

/** A signal stopped the command; what it was waiting for has been cancelled. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
}
