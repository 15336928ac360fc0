import {
  encodeMessage,
  SwitchyardError,
  type LogLine,
  type LogsAnswer,
} from '@switchyard/contracts';

/** An answer that does not fit in one NATS message, whatever is left out. */
export function answerTooLarge(
  what: string,
  bytes: number,
  maxPayload: number,
  hint: string,
): SwitchyardError {
  return new SwitchyardError(
    'payload_too_large',
    `the ${what} answer (${bytes} bytes) is over the NATS server's max_payload ` +
      `(${maxPayload} bytes); ${hint}`,
    { details: { bytes, max_payload: maxPayload } },
  );
}

function byteLength(value: unknown): number {
  return encodeMessage(value).length;
}

/**
 * The newest of `lines` whose answer fits in `maxPayload` bytes, oldest first as always: the
 * oldest lines are left out and counted in `omitted_lines`. A backend keeps up to `log_lines`
 * lines of up to 8 KiB each, far more than the default 1 MiB max_payload.
 */
export function fitLogs(
  backend: string,
  lines: readonly LogLine[],
  maxPayload: number,
): LogsAnswer {
  const whole: LogsAnswer = { backend, lines: [...lines] };
  if (byteLength(whole) <= maxPayload) return whole;
  // The envelope with the largest count there can be, so the count's own digits always fit.
  const envelope = byteLength({ backend, lines: [], omitted_lines: lines.length });
  let used = envelope;
  let first = lines.length;
  while (first > 0) {
    // The line, and the comma before the one kept after it.
    const cost = byteLength(lines[first - 1]) + (first === lines.length ? 0 : 1);
    if (used + cost > maxPayload) break;
    used += cost;
    first -= 1;
  }
  if (first === lines.length) {
    throw answerTooLarge(
      'logs',
      byteLength(whole),
      maxPayload,
      'not even its newest line fits; raise max_payload in the NATS server configuration',
    );
  }
  return { backend, lines: lines.slice(first), omitted_lines: first };
}
