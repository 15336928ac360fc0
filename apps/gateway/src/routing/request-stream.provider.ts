import type { Provider } from '@nestjs/common';
import { Subjects, type SwitchyardConfig } from '@switchyard/contracts';
import {
  ConnectionWatch,
  NATS_CONNECTION,
  RequestStreamClient,
  type NatsConnection,
} from '@switchyard/nats';
import { SERVICE_LOGGER, SERVICE_CONFIG, type Logger } from '@switchyard/service';

/**
 * The gateway's one client of the request-stream protocol, shared by inference, model management
 * and orchestrator commands: one reply inbox subscription for all of them.
 */
export const requestStreamClientProvider: Provider = {
  provide: RequestStreamClient,
  inject: [NATS_CONNECTION, Subjects, ConnectionWatch, SERVICE_CONFIG, SERVICE_LOGGER],
  useFactory: (
    nc: NatsConnection,
    subjects: Subjects,
    connection: ConnectionWatch,
    config: SwitchyardConfig,
    logger: Logger,
  ) =>
    new RequestStreamClient(nc, {
      subjects,
      idleTimeoutMs: config.gateway.stream_idle_timeout_ms,
      connection,
      logger,
    }),
};
