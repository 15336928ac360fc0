import type { NatsConnection, Status } from '@nats-io/transport-node';
import type { NatsLogger } from '../logger.js';
import { redactServerUrl } from './connection-options.js';

/**
 * Logs every status change of a connection until it closes, so an operator can see a NATS outage
 * and its end in the service's own log. Pings and reconnect attempts are debug noise; a lost or
 * regained server is not.
 */
export async function logConnectionStatus(nc: NatsConnection, logger: NatsLogger): Promise<void> {
  try {
    for await (const status of nc.status()) logStatus(status, logger);
  } catch (error) {
    logger.error({ err: error }, 'NATS status stream failed');
  }
  const closedWith = await nc.closed();
  if (closedWith instanceof Error) logger.error({ err: closedWith }, 'NATS connection closed');
  else logger.info({}, 'NATS connection closed');
}

function logStatus(status: Status, logger: NatsLogger): void {
  switch (status.type) {
    case 'disconnect':
      logger.warn({ server: redactServerUrl(status.server) }, 'NATS disconnected; reconnecting');
      return;
    case 'reconnect':
      logger.info({ server: redactServerUrl(status.server) }, 'NATS reconnected');
      return;
    case 'reconnecting':
      logger.debug({}, 'NATS reconnect attempt');
      return;
    case 'error':
      logger.error({ err: status.error }, 'NATS server reported an error');
      return;
    case 'ldm':
      logger.warn(
        { server: redactServerUrl(status.server) },
        'NATS server entering lame duck mode; will move to another server',
      );
      return;
    case 'staleConnection':
      logger.warn({}, 'NATS connection stale (pings unanswered); reconnecting');
      return;
    case 'slowConsumer':
      logger.warn(
        { subject: status.sub.getSubject(), pending: status.pending },
        'NATS subscription is falling behind',
      );
      return;
    case 'update':
      logger.debug({ added: status.added, deleted: status.deleted }, 'NATS cluster changed');
      return;
    case 'forceReconnect':
      logger.info({}, 'NATS reconnect forced');
      return;
    case 'ping':
      logger.debug({ pending_pings: status.pendingPings }, 'NATS ping');
      return;
    case 'close':
      // Reported once by logConnectionStatus, with the reason.
      return;
  }
}
