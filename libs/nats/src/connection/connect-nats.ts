import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  describeIssues,
  natsConfigSchema,
  type NatsConfig,
  type SwitchyardConfigInput,
} from '@switchyard/contracts';
import { silentLogger, type NatsLogger } from '../logger.js';
import { buildConnectionOptions, redactServerUrl } from './connection-options.js';
import { NatsConnectError } from './nats-connect.error.js';
import { logConnectionStatus } from './status-logger.js';

/** The `nats` section of the configuration as written; defaults fill what is missing. */
export type NatsConfigInput = NonNullable<SwitchyardConfigInput['nats']>;

export interface ConnectNatsOptions {
  /** The connection name the server's monitoring shows; overrides `config.name`. */
  name?: string;
  /** Where connection status changes are logged. Default: nowhere. */
  logger?: NatsLogger;
}

/**
 * Connects to NATS as the configuration says and keeps the connection alive: it reconnects
 * forever and logs every status change (disconnect, reconnect, errors) through `logger`.
 * The first connection must succeed: a wrong URL or refused credentials reject at once with a
 * {@link NatsConnectError} naming the servers and the reason, rather than retrying silently.
 */
export async function connectNats(
  config: NatsConfigInput,
  options: ConnectNatsOptions = {},
): Promise<NatsConnection> {
  const logger = options.logger ?? silentLogger;
  const parsed = parseNatsConfig(config);
  const connectionOptions = await buildConnectionOptions(parsed, options.name);
  const servers = parsed.servers.map(redactServerUrl);
  let nc: NatsConnection;
  try {
    nc = await connect(connectionOptions);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new NatsConnectError(`cannot connect to NATS at ${servers.join(', ')}: ${reason}`, {
      cause: error,
    });
  }
  logger.info(
    { server: redactServerUrl(nc.getServer()), name: connectionOptions.name },
    'NATS connected',
  );
  void logConnectionStatus(nc, logger);
  return nc;
}

/** Validates the `nats` section and fills in its defaults, or names what is wrong. */
export function parseNatsConfig(config: NatsConfigInput): NatsConfig {
  const result = natsConfigSchema.safeParse(config);
  if (!result.success) {
    throw new NatsConnectError(
      `the nats configuration is invalid: ${describeIssues(result.error.issues)}`,
      { cause: result.error },
    );
  }
  return result.data;
}
