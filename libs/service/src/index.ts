// The public surface of @switchyard/service: what every Switchyard process shares.

export {
  readConfig,
  CONFIG_FILE_ENV,
  DEFAULT_CONFIG_FILE,
  type ConfigSource,
} from './read-config-file.js';
export {
  createLogger,
  REDACTED_LOG_PATHS,
  TERMINAL_OUTPUT_ENV,
  type Logger,
  type LoggerOptions,
} from './create-logger.js';
export { NestPinoLogger } from './nest-logger.js';
export { SERVICE_LOGGER, SERVICE_NAME, SERVICE_CONFIG } from './service-tokens.js';
export {
  runService,
  EXIT_FAILURE,
  EXIT_INVALID_CONFIG,
  PARENT_PID_ENV,
  selfExitDeadlineMs,
  isServiceStarted,
  type RunningService,
  type ServiceStarted,
  type ServiceContext,
  type ServiceDefinition,
} from './run-service.js';
export { serviceNatsModule } from './service-nats.module.js';
export { SERVICE_NODE_FLAGS } from './node-flags.js';
export { RestartPolicy, type RestartDecision, type RestartSettings } from './restart-policy.js';
export { deadlineSignal, type DeadlineSignal } from './deadline-signal.js';
