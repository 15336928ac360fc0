import { afterEach, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { DiscoveryHarness, localId, type HarnessOptions } from './support/discovery-harness.js';

const RUNNING_ALONE =
  'JetStream KV unavailable: running as the only replica, with events and snapshots only';

// Where the server says JetStream is not there, no replica can hold a lease: discovery runs
// alone, probing and publishing, with the registry in memory. This must stay so while start-up
// refuses to run alone when JetStream is there but the buckets are not.
describe.each<[string, HarnessOptions]>([
  ['a server without JetStream', { nats: { jetstream: false } }],
  [
    'an account without JetStream on a server with it',
    {
      nats: {
        config: `accounts: {
          FLEET: { jetstream: disabled, users: [{ user: fleet, password: fleet }] }
        }`,
      },
      connection: { user: 'fleet', pass: 'fleet' },
    },
  ],
])('discovery on %s', (_, options) => {
  let harness: DiscoveryHarness | undefined;
  let sim: RunningSimulator | undefined;

  afterEach(async () => {
    await harness?.close();
    await sim?.close();
  });

  it('runs as the only replica, probing and answering snapshots', async () => {
    harness = await DiscoveryHarness.start(options);
    sim = await startSimulator({ kind: 'ollama', port: harness.wellKnown.ollama, loadMs: 0 });
    const discovery = await harness.startDiscovery();

    expect(discovery.isActive).toBe(true);
    const [warning] = harness.logged(RUNNING_ALONE);
    expect(warning?.['err']).toMatchObject({ type: 'RegistryUnavailableError' });
    await harness.waitForEntry(localId('ollama', sim.port), (entry) => entry.state === 'healthy');
  });
});
