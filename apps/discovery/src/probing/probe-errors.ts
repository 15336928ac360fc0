/**
 * Why a probe got no usable answer. The health state depends on it: nothing listening means
 * `offline`, a stalled server is `unhealthy`, and an answer that is not HTTP or is far too big
 * means something other than the expected server is there.
 */
export type ProbeFailure = 'unreachable' | 'timeout' | 'too_large' | 'not_http';

export class ProbeError extends Error {
  override readonly name = 'ProbeError';

  constructor(
    readonly failure: ProbeFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The answer of a backend whose identity was checked does not have the shape its kind promises. */
export class UnrecognisedServerError extends Error {
  override readonly name = 'UnrecognisedServerError';
}

/** A recognised backend answered a check with an error status or an unusable body. */
export class FailedCheckError extends Error {
  override readonly name = 'FailedCheckError';
}
