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
 * A logger whose every line also carries `fields`: the logger's own child when it has one (pino),
 * else a thin wrapper, so callers can pass any {@link NatsLogger}.
 */
export function withFields(logger: NatsLogger, fields: object): NatsLogger {
  const child = (logger as { child?: unknown }).child;
  if (typeof child === 'function') {
    return (child as (bindings: object) => NatsLogger).call(logger, fields);
  }
  return {
    debug: (more, message) => logger.debug(Object.assign({}, fields, more), message),
    info: (more, message) => logger.info(Object.assign({}, fields, more), message),
    warn: (more, message) => logger.warn(Object.assign({}, fields, more), message),
    error: (more, message) => logger.error(Object.assign({}, fields, more), message),
  };
}
