import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePorts } from './free-ports.js';

function listenOn(port: number): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve(() => new Promise<void>((closed) => server.close(() => closed()))),
    );
  });
}

describe('freePorts', () => {
  it('gives distinct ports that a listener can take', async () => {
    const ports = await freePorts(5);
    expect(new Set(ports).size).toBe(5);
    const closers = await Promise.all(ports.map(listenOn));
    await Promise.all(closers.map((close) => close()));
  });

  it("stays below the kernel's ephemeral range, where listen(0) and outgoing connections draw", async () => {
    const [ephemeralStart] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number) as [number];
    for (const port of await freePorts(20)) {
      expect(port).toBeGreaterThanOrEqual(10_000);
      expect(port).toBeLessThan(ephemeralStart);
    }
  });
});
