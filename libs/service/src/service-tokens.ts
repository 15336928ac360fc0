/** Injection token of the process's validated `SwitchyardConfig`. */
export const SERVICE_CONFIG = Symbol.for('switchyard.config');
/** Injection token of the process's pino `Logger`. */
export const SERVICE_LOGGER = Symbol.for('switchyard.logger');
/** Injection token of the service's name, e.g. `gateway`. */
export const SERVICE_NAME = Symbol.for('switchyard.service-name');
