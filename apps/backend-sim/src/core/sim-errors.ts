// Small named errors. SimHttpError is the one that reaches the wire: it carries the status and
// the body exactly as the simulated server shapes it, so each kind builds its own.

/** An HTTP answer that ends a request: a status and a body (object → JSON, string → text). */
export class SimHttpError extends Error {
  override readonly name = 'SimHttpError';
  readonly contentType: string;

  constructor(
    readonly status: number,
    readonly body: unknown,
    options: { cause?: unknown; contentType?: string } = {},
  ) {
    super(`HTTP ${status}`, { cause: options.cause });
    this.contentType =
      options.contentType ??
      (typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8');
  }
}

/** Invalid simulator options (the CLI exits with code 2 on this). */
export class SimOptionsError extends Error {
  override readonly name = 'SimOptionsError';
}

/** The per-model queue is full: each kind answers with its own 503. */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
  constructor(readonly model: string) {
    super(`the queue of ${model} is full`);
  }
}

/** The client went away (or the simulator closed) while the request waited. */
export class RequestAbortedError extends Error {
  override readonly name = 'RequestAbortedError';
}

/** The request body is missing, too large or not JSON; each kind words it its own way. */
export class RequestBodyError extends Error {
  override readonly name = 'RequestBodyError';
  constructor(
    readonly reason: 'empty' | 'invalid_json' | 'too_large' | 'not_object',
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}
