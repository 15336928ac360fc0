import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pauseProcess, resumeProcess, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { KV_API_TIMEOUT_MS, KV_OPEN_WINDOW_MS } from '../src/registry/open-bucket.js';
import { DiscoveryHarness } from './support/discovery-harness.js';

// Retrying is bounded: when JetStream does not answer for the whole window (here the nats-server
// stays stopped with SIGSTOP), start fails, within the window plus one attempt's timeout, with the bucket's name and the last error, rather
// than waiting for ever or running alone beside replicas that may hold the lease.
describe('discovery whose JetStream does not answer at all', () => {
  let harness: DiscoveryHarness;

  beforeAll(async () => {
    harness = await DiscoveryHarness.start();
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('gives up within the retry window and fails to start', async () => {
    const pid = harness.nats.pid as number;
    const started = Date.now();
    try {
      await expect(
        harness.startDiscovery(
          { discovery: { well_known_ports: false } },
          { beforeStart: () => pauseProcess(pid) },
        ),
      ).rejects.toThrow(
        new RegExp(
          `^cannot open the KV bucket "${harness.subjects.registryBucket}": JetStream still ` +
            'failed after [2-9] attempt\\(s\\) in \\d+ ms \\(last: timeout\\)',
        ),
      );
    } finally {
      resumeProcess(pid);
    }
    expect(Date.now() - started).toBeLessThan(
      KV_OPEN_WINDOW_MS + KV_API_TIMEOUT_MS + SCHEDULING_SLACK_MS,
    );
    expect(harness.logged('discovery active')).toEqual([]);
  }, 60_000);
});
