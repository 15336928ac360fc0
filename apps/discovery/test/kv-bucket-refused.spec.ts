import { afterEach, describe, expect, it } from '@jest/globals';
import { Subjects } from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS, waitFor } from '@switchyard/testing';
import type { DiscoveryService } from '../src/discovery.service.js';
import { DiscoveryHarness, TEST_DISCOVERY } from './support/discovery-harness.js';

const subjects = new Subjects();
const REGISTRY = subjects.registryBucket;
const LEASE = subjects.leaseBucket;
const ADMIN = { user: 'admin', pass: 'admin' };
const DISCOVERY = { user: 'discovery', pass: 'discovery' };
const NO_WELL_KNOWN = { discovery: { well_known_ports: false } };

// JetStream is on, so other replicas may hold the lease; one that cannot open its buckets must
// not run alone beside them (a second leader). It fails to start, naming the bucket and what
// JetStream said, at once: a refusal does not pass by retrying.
describe('discovery whose buckets JetStream refuses', () => {
  let harness: DiscoveryHarness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('fails to start when the account may keep no more streams', async () => {
    harness = await DiscoveryHarness.start({
      nats: {
        config: `accounts: {
          FLEET: { jetstream: { max_streams: 1 }, users: [{ user: discovery, password: discovery }] }
        }`,
      },
      connection: DISCOVERY,
    });
    await expect(harness.startDiscovery(NO_WELL_KNOWN)).rejects.toThrow(
      `cannot open the KV bucket "${LEASE}": JetStream refused it (maximum number of streams reached)`,
    );
    expect(harness.logged('could not open the KV bucket yet; retrying')).toEqual([]);
  });

  it('fails to start when replicas are asked of a server that is not clustered', async () => {
    harness = await DiscoveryHarness.start();
    await expect(
      harness.startDiscovery({ discovery: { well_known_ports: false, kv_replicas: 3 } }),
    ).rejects.toThrow(
      `cannot open the KV bucket "${REGISTRY}": JetStream refused it (replicas > 1 not supported in non-clustered mode)`,
    );
  });

  it('fails to start when its NATS user may not create the missing bucket', async () => {
    harness = await DiscoveryHarness.start({
      nats: {
        config: `authorization: { users: [
          { user: admin, password: admin },
          { user: discovery, password: discovery,
            permissions: { publish: { deny: ["$JS.API.STREAM.CREATE.>"] } } }
        ] }`,
      },
      connection: ADMIN,
    });
    await expect(harness.startDiscovery(NO_WELL_KNOWN, { connection: DISCOVERY })).rejects.toThrow(
      `cannot open the KV bucket "${REGISTRY}": JetStream refused it (Permissions Violation for Publish to "$JS.API.STREAM.CREATE.KV_${REGISTRY}")`,
    );
  });

  it('does not become a second leader when its NATS user may not use JetStream', async () => {
    harness = await DiscoveryHarness.start({
      nats: {
        config: `authorization: { users: [
          { user: admin, password: admin },
          { user: discovery, password: discovery,
            permissions: { publish: { deny: ["$JS.API.>"] } } }
        ] }`,
      },
      connection: ADMIN,
    });
    const leader: DiscoveryService = await harness.startDiscovery(NO_WELL_KNOWN);
    await waitFor(() => leader.isActive, {
      timeoutMs: TEST_DISCOVERY.lease_ttl_ms + SCHEDULING_SLACK_MS,
      description: 'the first replica to take the lease',
    });
    await expect(harness.startDiscovery(NO_WELL_KNOWN, { connection: DISCOVERY })).rejects.toThrow(
      `cannot open the KV bucket "${REGISTRY}": JetStream refused it (Permissions Violation for Publish to "$JS.API.INFO")`,
    );
    expect(harness.logged('discovery active').map((line) => line['instance'])).toEqual([
      leader.instanceId,
    ]);
  });
});
