import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  getMonitoringJson,
  startNatsCluster,
  waitFor,
  type NatsCluster,
  type NatsServer,
} from '../src/index.js';

describe('startNatsCluster', () => {
  let cluster: NatsCluster;
  const connections: NatsConnection[] = [];

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
  });

  afterAll(async () => {
    await Promise.all(connections.map((nc) => nc.close()));
    await cluster?.stop();
  });

  it('routes a message published on node 1 to a subscriber on node 3', async () => {
    const [first, , third] = cluster.nodes as [NatsServer, NatsServer, NatsServer];
    const subscriber = await connect({ servers: third.url, ignoreClusterUpdates: true });
    const publisher = await connect({ servers: first.url, ignoreClusterUpdates: true });
    connections.push(subscriber, publisher);
    expect(new Set(cluster.urls).size).toBe(3);

    let received: string | undefined;
    subscriber.subscribe('cluster.check', {
      max: 1,
      callback: (_err, msg) => void (received = msg.string()),
    });
    await subscriber.flush();
    // Interest travels over the routes asynchronously: publish until node 1 has learnt of it.
    await waitFor(
      async () => {
        publisher.publish('cluster.check', 'hello from node 1');
        await publisher.flush();
        return received !== undefined;
      },
      { intervalMs: 20, description: 'the message to cross the cluster' },
    );
    expect(received).toBe('hello from node 1');
    expect(subscriber.getServer()).toBe(`127.0.0.1:${third.port}`);
    expect(publisher.getServer()).toBe(`127.0.0.1:${first.port}`);
  });

  it('gives each node its own JetStream server name', async () => {
    const names = await Promise.all(
      cluster.nodes.map(async (node) => {
        const varz = await getMonitoringJson<{ server_name: string }>(`${node.monitorUrl}/varz`);
        return varz.server_name;
      }),
    );
    expect(new Set(names).size).toBe(3);
  });
});
