import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { DiscoveryHarness, localId } from './support/discovery-harness.js';

// Servers that answer on a well-known port without being the kind that port is known for.
describe('a different server on a well-known port', () => {
  let harness: DiscoveryHarness;
  let unrelated: Server;
  const sims: RunningSimulator[] = [];

  beforeAll(async () => {
    harness = await DiscoveryHarness.start();
    // An ordinary web application that answers everything with 200 and some JSON.
    unrelated = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', models: [], version: '1.0' }));
    });
    await new Promise<void>((resolve) =>
      unrelated.listen(harness.wellKnown.ollama, '127.0.0.1', resolve),
    );
    // Real backends, each on the port of another kind.
    sims.push(
      await startSimulator({
        kind: 'ollama',
        port: harness.wellKnown.lmstudio,
        tokensPerSecond: 0,
        loadMs: 0,
      }),
      await startSimulator({
        kind: 'lmstudio',
        port: harness.wellKnown.vllm,
        tokensPerSecond: 0,
        loadMs: 0,
      }),
    );
    await harness.startDiscovery();
  });

  afterAll(async () => {
    await harness.close();
    await new Promise((resolve) => unrelated.close(resolve));
    await Promise.all(sims.map((sim) => sim.close()));
  });

  it('is not taken for Ollama', async () => {
    const entry = await harness.waitForEntry(
      localId('ollama', harness.wellKnown.ollama),
      (e) => e.state === 'unrecognised',
    );
    expect(entry.models).toEqual([]);
    const changes = await harness.waitForChanges(entry.id);
    expect(changes.map((event) => event.backend.state)).toEqual(['unrecognised']);
  });

  it('is not taken for LM Studio when Ollama answers there', async () => {
    const entry = await harness.waitForEntry(
      localId('lmstudio', harness.wellKnown.lmstudio),
      (e) => e.state === 'unrecognised',
    );
    expect(entry.models).toEqual([]);
  });

  it('is not taken for vLLM when LM Studio (200 on every route) answers there', async () => {
    const entry = await harness.waitForEntry(
      localId('vllm', harness.wellKnown.vllm),
      (e) => e.state === 'unrecognised',
    );
    expect(entry.models).toEqual([]);
    expect(harness.changes().every((event) => event.backend.state === 'unrecognised')).toBe(true);
  });
});
