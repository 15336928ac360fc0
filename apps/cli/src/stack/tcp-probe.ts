import { connect } from 'node:net';
import { natsServerUrl } from '@switchyard/contracts';

/** Whether something accepts TCP connections on host:port within the timeout. */
export function isListening(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export type NatsProbe = 'nats' | 'not-nats' | 'nothing';

/**
 * What answers at host:port: a NATS server greets every new connection with an `INFO` line
 * before the client says anything, so a listener that stays silent (or says something else) is
 * not one. Only for plain `nats://` addresses: a TLS-first server greets with a TLS handshake.
 */
export function probeNats(host: string, port: number, timeoutMs = 2_000): Promise<NatsProbe> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let connected = false;
    let greeting = '';
    const done = (answer: NatsProbe): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(timeoutMs, () => done(connected ? 'not-nats' : 'nothing'));
    socket.once('connect', () => (connected = true));
    socket.once('error', () => done(connected ? 'not-nats' : 'nothing'));
    socket.once('close', () => done(connected ? 'not-nats' : 'nothing'));
    socket.on('data', (chunk: Buffer) => {
      greeting += chunk.toString('latin1');
      if (greeting.length >= 5) done(greeting.startsWith('INFO ') ? 'nats' : 'not-nats');
    });
  });
}

/** Host and port of a NATS server (`nats://host:port`, `host:port`), with the default port. */
export function hostAndPort(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = natsServerUrl(url);
  return {
    host: parsed.hostname || '127.0.0.1',
    port: parsed.port === '' ? defaultPort : Number(parsed.port),
  };
}
