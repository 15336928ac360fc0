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
 *
 * The child is made when the first line at a level the logger writes comes, not before: a pino
 * child serializes and redacts its fields when it is made, and the servers make one per request
 * for lines that, at the default level, never come (some 2 % of a worker's CPU under load).
 */
export function withFields(logger: NatsLogger, fields: object): NatsLogger {
  const { child, isLevelEnabled } = logger as { child?: unknown; isLevelEnabled?: unknown };
  if (typeof child === 'function') {
    let made: NatsLogger | undefined;
    const at =
      (level: keyof NatsLogger) =>
      (more: object, message?: string): void => {
        if (typeof isLevelEnabled === 'function' && isLevelEnabled.call(logger, level) !== true) {
          return;
        }
        made ??= (child as (bindings: object) => NatsLogger).call(logger, fields);
        made[level](more, message);
      };
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  }
  return {
    debug: (more, message) => logger.debug(Object.assign({}, fields, more), message),
    info: (more, message) => logger.info(Object.assign({}, fields, more), message),
    warn: (more, message) => logger.warn(Object.assign({}, fields, more), message),
    error: (more, message) => logger.error(Object.assign({}, fields, more), message),
  };
}
