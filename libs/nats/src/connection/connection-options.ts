import { readFile } from 'node:fs/promises';
import {
  credsAuthenticator,
  nkeyAuthenticator,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
  type Authenticator,
  type NodeConnectionOptions,
} from '@nats-io/transport-node';
import type { NatsConfig } from '@switchyard/contracts';
import { NatsConnectError } from './nats-connect.error.js';
import { nkeySeedBytes, nkeySeedProblem } from './nkey-seed.js';

/** Upper bound of the random delay added to each reconnect wait, so a fleet does not reconnect in step. */
export const RECONNECT_JITTER_MS = 500;

/** Pings left unanswered before the server is taken for dead (nats.js's default). */
export const MAX_PINGS_OUT = 2;

/**
 * Turns the `nats` section of the configuration into nats.js connection options. Every auth
 * method is configuration: user/password, token, nkey seed, creds file (read here) and TLS files
 * (read by the transport); the schema has checked which of them go together. The client
 * reconnects forever; a lost server is an outage to ride out, not a reason for a service to stop.
 */
export async function buildConnectionOptions(
  config: NatsConfig,
  name?: string,
): Promise<NodeConnectionOptions> {
  const options: NodeConnectionOptions = {
    servers: config.servers,
    noRandomize: !config.randomize_servers,
    maxReconnectAttempts: -1,
    reconnectTimeWait: config.reconnect_wait_ms,
    reconnectJitter: RECONNECT_JITTER_MS,
    reconnectJitterTLS: RECONNECT_JITTER_MS,
    timeout: config.connect_timeout_ms,
    pingInterval: config.ping_interval_ms,
    maxPingOut: MAX_PINGS_OUT,
  };
  const connectionName = name ?? config.name;
  if (connectionName !== undefined) options.name = connectionName;
  const authenticators = await buildAuthenticators(config);
  if (authenticators.length > 0) options.authenticator = authenticators;
  if (config.tls !== undefined) {
    const { ca_file, cert_file, key_file } = config.tls;
    options.tls = Object.assign(
      {},
      ca_file === undefined ? {} : { caFile: ca_file },
      cert_file === undefined ? {} : { certFile: cert_file },
      key_file === undefined ? {} : { keyFile: key_file },
    );
  }
  return options;
}

async function buildAuthenticators(config: NatsConfig): Promise<Authenticator[]> {
  const authenticators: Authenticator[] = [];
  if (config.user !== undefined) {
    authenticators.push(usernamePasswordAuthenticator(config.user, config.password));
  }
  if (config.token !== undefined) authenticators.push(tokenAuthenticator(config.token));
  if (config.nkey_seed !== undefined) {
    // readConfig refuses a bad seed; a configuration built otherwise is checked here.
    const problem = nkeySeedProblem(config.nkey_seed);
    if (problem !== undefined) throw new NatsConnectError(`nats.nkey_seed ${problem}`);
    authenticators.push(nkeyAuthenticator(nkeySeedBytes(config.nkey_seed)));
  }
  if (config.creds_file !== undefined) {
    let creds: Uint8Array;
    try {
      creds = await readFile(config.creds_file);
    } catch (error) {
      throw new NatsConnectError(`nats.creds_file ${config.creds_file} cannot be read`, {
        cause: error,
      });
    }
    authenticators.push(credsAuthenticator(creds));
  }
  return authenticators;
}

/** A server URL fit for logs: credentials in it are replaced. */
export function redactServerUrl(server: string): string {
  return server.replace(/\/\/[^@/]*@/, '//***@');
}
