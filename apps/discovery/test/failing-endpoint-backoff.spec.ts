import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SCHEDULING_SLACK_MS, waitFor } from '@switchyard/testing';
import { DiscoveryHarness, TEST_DISCOVERY } from './support/discovery-harness.js';

// A configured vLLM whose engine died: `/health` answers 503 on every check.
describe('an endpoint that keeps failing', () => {
  let harness: DiscoveryHarness;
  let server: Server;
  /** When each check reached the endpoint. */
  const requests: number[] = [];

  beforeAll(async () => {
    harness = await DiscoveryHarness.start();
    server = createServer((_req, res) => {
      requests.push(Date.now());
      res.writeHead(503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await harness.startDiscovery({
      backends: [{ id: 'dead-engine', kind: 'vllm', url }],
      discovery: { well_known_ports: false },
    });
  });

  afterAll(async () => {
    await harness.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('is unhealthy and checked less and less often, at most once per max_backoff_ms', async () => {
    await harness.waitForEntry('dead-engine', (e) => e.state === 'unhealthy');
    // The pauses double from interval_ms up to max_backoff_ms; after five failures the breaker
    // holds each next check back for max_backoff_ms. Checking every interval would take 12
    // checks in the time these take; gaps only grow under load, so only the wait has slack.
    const CHECKS = 8;
    const { interval_ms: intervalMs, max_backoff_ms: maxBackoffMs } = TEST_DISCOVERY;
    await waitFor(() => requests.length >= CHECKS, {
      timeoutMs: intervalMs * 3 + maxBackoffMs * (CHECKS - 3) + SCHEDULING_SLACK_MS,
      description: `${CHECKS} checks of the dead endpoint`,
    });
    const gaps = requests.slice(1).map((at, i) => at - (requests[i] as number));
    // Timer and clock rounding only: a pause is never cut short.
    const ROUNDING_MS = 20;
    expect(gaps[0]).toBeGreaterThanOrEqual(intervalMs - ROUNDING_MS);
    for (const gap of gaps.slice(5)) expect(gap).toBeGreaterThanOrEqual(maxBackoffMs - ROUNDING_MS);

    const entry = await harness.waitForEntry(
      'dead-engine',
      (e) => e.consecutive_failures === requests.length,
    );
    expect(entry.state).toBe('unhealthy');
    expect(harness.changes('dead-engine').map((event) => event.backend.state)).toEqual([
      'unhealthy',
    ]);
  });
});
