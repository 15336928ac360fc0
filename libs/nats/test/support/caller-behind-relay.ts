import { Subjects } from '@switchyard/contracts';
import { startNatsServer, TcpRelay, waitFor, type NatsServer } from '@switchyard/testing';
import { connectNats, StreamServer, type NatsConnection } from '../../src/index.js';
import { recordingLogger } from './stream-fixture.js';

const DISCONNECTED = 'NATS disconnected; reconnecting';
const RECONNECTED = 'NATS reconnected';

/**
 * A worker with a stream server on its own link to a real nats-server, and a caller that reaches
 * the server through a {@link TcpRelay} a test cuts or freezes: only the caller is cut off, as
 * when its node of a cluster dies.
 */
export interface CallerBehindRelay {
  nats: NatsServer;
  relay: TcpRelay;
  workerNc: NatsConnection;
  callerNc: NatsConnection;
  server: StreamServer;
  subjects: Subjects;
  /** How many times the caller's connection logged `message`. */
  countOf(message: string): number;
  /** Cuts the caller's link; resolves once the caller has noticed. */
  cutCaller(): Promise<void>;
  /** Restores the caller's link; resolves once the caller has reconnected. */
  restoreCaller(): Promise<void>;
  /** Restores the link and resolves once the caller is connected again (for `afterEach`). */
  reconnected(): Promise<void>;
  close(): Promise<void>;
}

export async function startCallerBehindRelay(options: {
  heartbeatIntervalMs: number;
}): Promise<CallerBehindRelay> {
  const nats = await startNatsServer({ jetstream: false });
  const relay = await TcpRelay.start(nats.port);
  const callerLog = recordingLogger();
  const workerNc = await connectNats({ servers: [nats.url] }, { name: 'worker' });
  const callerNc = await connectNats(
    { servers: [relay.natsUrl], reconnect_wait_ms: 50, connect_timeout_ms: 1_000 },
    { name: 'caller', logger: callerLog },
  );
  const subjects = new Subjects();
  const server = new StreamServer(workerNc, {
    subjects,
    workerId: 'worker-1',
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    defaultTimeoutMs: 120_000,
  });
  const countOf = (message: string) =>
    callerLog.messages.filter((logged) => logged === message).length;
  const logged = async (message: string, change: () => void, description: string) => {
    const before = countOf(message);
    change();
    await waitFor(() => countOf(message) > before, { description });
  };
  return {
    nats,
    relay,
    workerNc,
    callerNc,
    server,
    subjects,
    countOf,
    cutCaller: () => logged(DISCONNECTED, () => relay.cut(), 'the caller to notice the outage'),
    restoreCaller: () => logged(RECONNECTED, () => relay.restore(), 'the caller to reconnect'),
    reconnected: async () => {
      relay.thaw();
      relay.restore();
      // A flush fails while the caller is dialling; one that succeeds finds it back.
      await waitFor(() => callerNc.flush().then(() => true), {
        description: 'the caller to be connected again',
      });
    },
    close: async () => {
      await server.stop({ graceMs: 0 });
      await Promise.all([workerNc.close(), callerNc.close()]);
      await relay.close();
      await nats.stop();
    },
  };
}
