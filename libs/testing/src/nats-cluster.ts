import { randomBytes } from 'node:crypto';
import { freePorts } from './free-ports.js';
import { getMonitoringJson } from './monitoring.js';
import { NatsServerStartError } from './nats-server-process.js';
import {
  NatsServerHandle,
  prepareNode,
  type NatsServer,
  type NatsServerOptions,
} from './nats-server.js';
import { waitFor } from './wait-for.js';
import { SCHEDULING_SLACK_MS } from './scheduling-slack.js';

export type NatsClusterOptions = Pick<
  NatsServerOptions,
  'jetstream' | 'binary' | 'startTimeoutMs' | 'user' | 'password' | 'token'
>;

/** Nodes of one nats-server cluster on loopback, fully routed. */
export interface NatsCluster {
  /** Each node; `stop`, `restart` and `kill` act on one node. */
  readonly nodes: readonly NatsServer[];
  /** Every node's client URL, for a client's `servers` list. */
  readonly urls: string[];
  /** Stops every node and removes their temp directories. */
  stop(): Promise<void>;
}

// The cluster ports must be known before any node starts (each node's routes name them all), so
// they are picked up front; a rare clash with another process is retried with fresh ports.
const ATTEMPTS = 3;

/**
 * Starts `size` nats-server nodes routed to one another, JetStream on (distinct server names, own
 * stores) unless disabled, and resolves once every node sees all the others and, with JetStream,
 * the meta group has a leader.
 */
export async function startNatsCluster(
  size = 3,
  options: NatsClusterOptions = {},
): Promise<NatsCluster> {
  if (!Number.isInteger(size) || size < 2) throw new RangeError('a cluster needs 2 or more nodes');
  for (let attempt = 1; ; attempt++) {
    try {
      return await tryStartCluster(size, options);
    } catch (error) {
      if (!(error instanceof NatsServerStartError && error.portInUse) || attempt >= ATTEMPTS) {
        throw error;
      }
    }
  }
}

async function tryStartCluster(size: number, options: NatsClusterOptions): Promise<NatsCluster> {
  const name = `switchyard-${randomBytes(4).toString('hex')}`;
  const clusterPorts = await freePorts(size);
  const routes = clusterPorts.map((port) => `nats://127.0.0.1:${port}`).join(',');
  const nodes = await Promise.all(
    clusterPorts.map(async (port, index) => {
      const spec = await prepareNode({ ...options, serverName: `${name}-n${index + 1}` });
      spec.args.push('--cluster', `nats://127.0.0.1:${port}`, '--cluster_name', name);
      spec.args.push('--routes', routes);
      return new NatsServerHandle(spec);
    }),
  );
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    const started = await Promise.allSettled(
      nodes.map((node) => node.start({ client: -1, monitor: -1 })),
    );
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    await waitUntilFormed(
      nodes,
      options.jetstream ?? true,
      options.startTimeoutMs ?? 10_000 + SCHEDULING_SLACK_MS,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, urls: nodes.map((node) => node.url), stop };
}

async function waitUntilFormed(
  nodes: readonly NatsServer[],
  jetstream: boolean,
  timeoutMs: number,
): Promise<void> {
  await waitFor(
    async () => {
      for (const node of nodes) {
        const routez = await getMonitoringJson<{ num_routes?: number }>(
          `${node.monitorUrl}/routez`,
        );
        if ((routez.num_routes ?? 0) < nodes.length - 1) return false;
        if (jetstream) {
          const jsz = await getMonitoringJson<{ meta_cluster?: { leader?: string } }>(
            `${node.monitorUrl}/jsz`,
          );
          if (!jsz.meta_cluster?.leader) return false;
        }
      }
      return true;
    },
    { timeoutMs, intervalMs: 50, description: `a ${nodes.length}-node cluster to form` },
  );
}
