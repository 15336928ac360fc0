import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { signalHolds } from '@switchyard/testing';
import { HttpProber } from './http-prober.js';
import { ProbeError } from './probe-errors.js';

describe('HttpProber', () => {
  let sim: RunningSimulator;
  let silent: Server;
  let silentUrl: string;
  const prober = new HttpProber({ timeoutMs: 300, maxBytes: 1 << 20 });

  beforeAll(async () => {
    sim = await startSimulator({ kind: 'ollama', port: 0, tokensPerSecond: 0, loadMs: 0 });
    // Takes the request and never answers.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await prober.close();
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
    await sim.close();
  });

  // An endpoint watcher passes the same signal, aborted only when discovery stops, to every
  // probe of its endpoint for as long as discovery runs: each probe's hold on it must end with
  // the probe, or discovery's heap grows by every probe it ever made.
  it('leaves nothing on the long-lived signal it was given once each probe ended', async () => {
    const watcher = new AbortController();
    for (let i = 0; i < 50; i++) {
      const answer = await prober.getJson(sim.url, '/api/tags', { signal: watcher.signal });
      expect(answer.status).toBe(200);
    }
    await expect(prober.get(silentUrl, '/api/tags', { signal: watcher.signal })).rejects.toThrow(
      ProbeError,
    );
    expect(signalHolds(watcher.signal)).toEqual({ listeners: 0, dependants: 0 });
  });

  it('fails a probe nothing answers as a timeout', async () => {
    const failure = await prober.get(silentUrl, '/api/tags').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProbeError);
    expect((failure as ProbeError).failure).toBe('timeout');
  });

  it('stops a probe as soon as its signal aborts, which is no timeout', async () => {
    const watcher = new AbortController();
    const started = performance.now();
    const probe = prober.get(silentUrl, '/api/tags', { signal: watcher.signal });
    setTimeout(() => watcher.abort(), 20);
    const failure = await probe.catch((error: unknown) => error);
    expect(performance.now() - started).toBeLessThan(250);
    expect(failure).toBeInstanceOf(ProbeError);
    expect((failure as ProbeError).failure).toBe('unreachable');
  });
});
