import { z } from 'zod';
import { ERROR_CATALOGUE, ERROR_CODES, type ErrorCode } from './error-catalogue.js';

/** How deep a cause chain is carried over the wire; deeper causes are cut. */
const MAX_CAUSE_DEPTH = 4;
const MAX_MESSAGE_LENGTH = 4096;

export interface WireCause {
  name: string;
  message: string;
  code?: ErrorCode | undefined;
  cause?: WireCause | undefined;
}

const wireCauseSchema: z.ZodType<WireCause> = z.lazy(() =>
  z.object({
    name: z.string().max(256),
    message: z.string().max(MAX_MESSAGE_LENGTH),
    code: z.enum(ERROR_CODES).optional(),
    cause: wireCauseSchema.optional(),
  }),
);

/** The error as it travels inside an `error` frame or a reply. */
export const wireErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string().max(MAX_MESSAGE_LENGTH),
  retryable: z.boolean(),
  /** Structured facts a client may act on, such as `retry_after_ms` or the offending `param`. */
  details: z.record(z.string(), z.unknown()).optional(),
  cause: wireCauseSchema.optional(),
});
export type WireError = z.infer<typeof wireErrorSchema>;

export interface SwitchyardErrorOptions {
  /** Overrides the catalogue's retryable flag, for instance for an error that cannot recur. */
  retryable?: boolean;
  details?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The one error class of the protocol: a catalogued code, a message, the retryable flag and a
 * cause. It survives the trip over NATS: `toWire` turns it into plain JSON, `fromWire` turns that
 * back into a `SwitchyardError` whose cause chain has the same names, messages and codes.
 */
export class SwitchyardError extends Error {
  override readonly name = 'SwitchyardError';
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: SwitchyardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? ERROR_CATALOGUE[code].retryable;
    this.details = options.details;
  }

  /** The HTTP status the gateway answers with for this error. */
  get httpStatus(): number {
    return ERROR_CATALOGUE[this.code].httpStatus;
  }

  toWire(): WireError {
    const wire: WireError = {
      code: this.code,
      message: truncate(this.message),
      retryable: this.retryable,
    };
    if (this.details !== undefined) wire.details = this.details;
    const cause = toWireCause(this.cause, MAX_CAUSE_DEPTH);
    if (cause !== undefined) wire.cause = cause;
    return wire;
  }

  static fromWire(wire: WireError): SwitchyardError {
    const options: SwitchyardErrorOptions = { retryable: wire.retryable };
    if (wire.details !== undefined) options.details = wire.details;
    if (wire.cause !== undefined) options.cause = fromWireCause(wire.cause);
    return new SwitchyardError(wire.code, wire.message, options);
  }

  /**
   * Any thrown value as a `SwitchyardError`: itself when it already is one, otherwise `internal`
   * (or the given fallback code) with the original as its cause.
   */
  static from(error: unknown, fallback: ErrorCode = 'internal'): SwitchyardError {
    if (error instanceof SwitchyardError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new SwitchyardError(fallback, message, { cause: error });
  }
}

function toWireCause(cause: unknown, depth: number): WireCause | undefined {
  if (cause === undefined || cause === null || depth === 0) return undefined;
  if (!(cause instanceof Error)) return { name: 'Error', message: truncate(String(cause)) };
  const wire: WireCause = { name: cause.name, message: truncate(cause.message) };
  if (cause instanceof SwitchyardError) wire.code = cause.code;
  const next = toWireCause(cause.cause, depth - 1);
  if (next !== undefined) wire.cause = next;
  return wire;
}

function fromWireCause(wire: WireCause): Error {
  const cause = wire.cause === undefined ? undefined : fromWireCause(wire.cause);
  if (wire.code !== undefined) {
    return new SwitchyardError(wire.code, wire.message, cause === undefined ? {} : { cause });
  }
  const error = new Error(wire.message, cause === undefined ? undefined : { cause });
  error.name = wire.name;
  return error;
}

function truncate(message: string): string {
  return message.length <= MAX_MESSAGE_LENGTH
    ? message
    : `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}
