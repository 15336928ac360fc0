import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Subjects, switchyardConfigSchema } from '@switchyard/contracts';
import { createLogger } from '@switchyard/service';
import { closeConnection, startNatsCluster, tearDown, type NatsCluster } from '@switchyard/testing';
import { DiscoveryService } from '../src/discovery.service.js';
import { TEST_DISCOVERY } from './support/discovery-harness.js';

// On a three-node cluster the registry should outlive a node: discovery creates its buckets with
// `discovery.kv_replicas` replicas.
describe('registry buckets on a JetStream cluster', () => {
  const subjects = new Subjects();
  let cluster: NatsCluster;
  let nc: NatsConnection;

  beforeAll(async () => {
    cluster = await startNatsCluster(3);
    nc = await connect({ servers: cluster.urls, name: 'kv-replicas-test' });
  }, 60_000);

  afterAll(async () => {
    await tearDown(
      () => closeConnection(nc),
      async () => cluster?.stop(),
    );
  });

  it('are created with discovery.kv_replicas replicas', async () => {
    const config = switchyardConfigSchema.parse({
      nats: { servers: cluster.urls },
      discovery: { ...TEST_DISCOVERY, well_known_ports: false, kv_replicas: 3 },
    });
    const discoveryNc = await connect({ servers: cluster.urls, name: 'discovery' });
    const logger = createLogger({
      service: 'discovery',
      config: { level: 'silent', format: 'json' },
    });
    const discovery = new DiscoveryService(discoveryNc, subjects, config, logger);
    try {
      await discovery.start();
      const jsm = await jetstreamManager(nc);
      for (const bucket of [subjects.registryBucket, subjects.leaseBucket]) {
        const info = await jsm.streams.info(`KV_${bucket}`);
        expect({ bucket, replicas: info.config.num_replicas }).toEqual({ bucket, replicas: 3 });
      }
    } finally {
      await tearDown(
        () => discovery.stop(),
        () => closeConnection(discoveryNc),
      );
    }
  }, 60_000);
});
