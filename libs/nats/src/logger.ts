/**
 * The logging this library needs: pino's calling convention (`logger.warn({ server }, 'msg')`),
 * so a pino logger (or a child of one) can be passed as it is.
 */
export interface NatsLogger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

/** A logger that drops everything, the default where none is given. */
export const silentLogger: NatsLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * A logger whose every line also carries the fields `fieldsOf` gives: the logger's own child when
 * it has one (pino), else a thin wrapper, so callers can pass any {@link NatsLogger}.
 *
 * Nothing is done before the first line at a level the logger writes: the fields are asked for
 * then, once, and the child made. The servers make one per request, for lines that at the default
 * level never come, and both cost: reading a request's fields decodes its NATS headers, and a pino
 * child serializes and redacts its fields when it is made (together some 3 % of a worker's CPU
 * under load).
 */
export function withFields(logger: NatsLogger, fieldsOf: () => object): NatsLogger {
  const { child, isLevelEnabled } = logger as { child?: unknown; isLevelEnabled?: unknown };
  let write: (level: keyof NatsLogger, more: object, message?: string) => void;
  if (typeof child === 'function') {
    let made: NatsLogger | undefined;
    write = (level, more, message) => {
      if (typeof isLevelEnabled === 'function' && isLevelEnabled.call(logger, level) !== true) {
        return;
      }
      made ??= (child as (bindings: object) => NatsLogger).call(logger, fieldsOf());
      made[level](more, message);
    };
  } else {
    let fields: object | undefined;
    write = (level, more, message) =>
      logger[level](Object.assign({}, (fields ??= fieldsOf()), more), message);
  }
  return {
    debug: (more, message) => write('debug', more, message),
    info: (more, message) => write('info', more, message),
    warn: (more, message) => write('warn', more, message),
    error: (more, message) => write('error', more, message),
  };
}
