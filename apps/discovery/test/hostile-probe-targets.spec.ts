import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import type { RegistryEntry } from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS, sleep, waitFor } from '@switchyard/testing';
import { DiscoveryHarness, TEST_DISCOVERY } from './support/discovery-harness.js';

// Endpoints that answer slowly, with garbage, or with an endless body, next to a good backend.
describe('probe targets that misbehave', () => {
  let harness: DiscoveryHarness;
  let sim: RunningSimulator;
  let slow: HttpServer;
  let huge: HttpServer;
  let garbage: TcpServer;
  const held: { destroy(): void }[] = [];
  /** When each probe reached the endpoint that never answers. */
  const slowProbes: number[] = [];

  beforeAll(async () => {
    harness = await DiscoveryHarness.start();
    sim = await startSimulator({ kind: 'vllm', port: 0, tokensPerSecond: 0, loadMs: 0 });
    // Accepts the request and never answers.
    slow = createHttpServer((req) => {
      slowProbes.push(Date.now());
      held.push(req.socket);
    });
    // Answers 200 and streams a body that never ends.
    huge = createHttpServer((req, res) => {
      held.push(req.socket);
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    // Not HTTP at all.
    garbage = createTcpServer((socket) => {
      held.push(socket);
      socket.on('error', () => undefined);
      socket.end('\x00\x01garbage that is not HTTP\r\n\r\n');
    });
    const urls = await Promise.all([slow, huge, garbage].map(listen));
    const [slowUrl, hugeUrl, garbageUrl] = urls as [string, string, string];
    await harness.startDiscovery({
      backends: [
        { id: 'slow', kind: 'ollama', url: slowUrl },
        { id: 'huge', kind: 'ollama', url: hugeUrl },
        { id: 'garbage', kind: 'lmstudio', url: garbageUrl },
        { id: 'good', kind: 'vllm', url: sim.url },
      ],
      discovery: { well_known_ports: false, max_response_bytes: 256 * 1024 },
    });
  });

  afterAll(async () => {
    await harness.close();
    for (const socket of held) socket.destroy();
    await Promise.all([slow, huge, garbage].map((server) => new Promise((r) => server.close(r))));
    await sim.close();
  });

  it('checks the good backend on time while the others stall, flood or babble', async () => {
    await harness.waitForEntry(
      'good',
      (e) => e.state === 'healthy',
      TEST_DISCOVERY.interval_ms + SCHEDULING_SLACK_MS,
    );
    // Between two probes of `slow` lies one whole stalled probe (probe_timeout_ms) and its
    // backoff. A good backend on its own cadence is checked many times meanwhile; one whose
    // checks queue behind the stalled probe at most once. Both sides stretch alike under load,
    // so the claim is made between those two probes rather than in a fixed window.
    const checks = new Map<number, RegistryEntry['state']>();
    const firstProbe = slowProbes.length;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const good = (await harness.snapshot()).find((entry) => entry.id === 'good');
        if (good) checks.set(Date.parse(good.checked_at), good.state);
        await sleep(20);
      }
    })();
    try {
      await waitFor(() => slowProbes.length >= firstProbe + 2, {
        timeoutMs:
          2 * (TEST_DISCOVERY.probe_timeout_ms + TEST_DISCOVERY.max_backoff_ms) +
          SCHEDULING_SLACK_MS,
        description: 'two more probes of the endpoint that never answers',
      });
    } finally {
      watching = false;
      await watch;
    }
    const [from, to] = slowProbes.slice(firstProbe, firstProbe + 2) as [number, number];
    const during = [...checks.keys()].filter((at) => at > from && at < to);
    expect(new Set(checks.values())).toEqual(new Set(['healthy']));
    expect(during.length).toBeGreaterThanOrEqual(3);
  });

  it('gives up on a target that never answers after the probe timeout', async () => {
    const entry = await harness.waitForEntry(
      'slow',
      (e) => e.state === 'unhealthy',
      TEST_DISCOVERY.probe_timeout_ms + SCHEDULING_SLACK_MS,
    );
    expect(entry.models).toEqual([]);
  });

  it('stops reading an endless body and does not trust it', async () => {
    const entry = await harness.waitForEntry('huge', (e) => e.state === 'unrecognised');
    expect(entry.models).toEqual([]);
  });

  it('does not trust an answer that is not HTTP', async () => {
    await harness.waitForEntry('garbage', (e) => e.state === 'unrecognised');
  });
});

function listen(server: HttpServer | TcpServer): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
}
