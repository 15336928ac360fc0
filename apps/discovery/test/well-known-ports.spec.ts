import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startSimulator, type RunningSimulator } from '@switchyard/backend-sim';
import { SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { DiscoveryHarness, localId, TEST_DISCOVERY } from './support/discovery-harness.js';

// Each kind's simulator on that kind's (test-mapped) well-known port, no backend configured.
describe('discovery of the well-known ports', () => {
  let harness: DiscoveryHarness;
  const sims: RunningSimulator[] = [];

  beforeAll(async () => {
    harness = await DiscoveryHarness.start();
    for (const kind of ['ollama', 'lmstudio', 'vllm'] as const) {
      sims.push(
        await startSimulator({
          kind,
          port: harness.wellKnown[kind],
          tokensPerSecond: 0,
          loadMs: 0,
        }),
      );
    }
    await harness.startDiscovery();
  });

  afterAll(async () => {
    await harness.close();
    await Promise.all(sims.map((sim) => sim.close()));
  });

  it('finds Ollama, healthy, with its installed models and what it says about them', async () => {
    const id = localId('ollama', harness.wellKnown.ollama);
    const entry = await harness.waitForEntry(
      id,
      (e) => e.state === 'healthy',
      2 * TEST_DISCOVERY.interval_ms + SCHEDULING_SLACK_MS,
    );
    expect(entry).toMatchObject({
      kind: 'ollama',
      url: `http://127.0.0.1:${harness.wellKnown.ollama}`,
      version: '0.13.0',
    });
    const llama = entry.models.find((model) => model.name === 'llama3.2:latest');
    expect(llama).toMatchObject({
      type: 'chat',
      loaded: false,
      aliases: ['llama3.2'],
      quantization: 'Q4_K_M',
    });
    expect(llama?.capabilities).toContain('completion');
    expect(entry.models.find((model) => model.name === 'all-minilm:latest')?.type).toBe(
      'embedding',
    );
  });

  it('finds LM Studio through its quirks, with types, quantization, context lengths and architectures', async () => {
    const entry = await harness.waitForEntry(
      localId('lmstudio', harness.wellKnown.lmstudio),
      (e) => e.state === 'healthy',
    );
    expect(entry.kind).toBe('lmstudio');
    expect(entry.models).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'qwen2.5-7b-instruct',
          type: 'chat',
          loaded: false,
          quantization: 'Q4_K_M',
          context_length: 4096,
          supports_tools: true,
          architecture: 'qwen',
        }),
        expect.objectContaining({
          name: 'text-embedding-nomic-embed-text-v1.5',
          type: 'embedding',
          architecture: 'nomic-bert',
        }),
      ]),
    );
  });

  it('finds vLLM with its served model loaded and its context length', async () => {
    const entry = await harness.waitForEntry(
      localId('vllm', harness.wellKnown.vllm),
      (e) => e.state === 'healthy',
    );
    expect(entry.models).toEqual([
      { name: 'Qwen/Qwen2.5-0.5B-Instruct', type: 'chat', loaded: true, context_length: 4096 },
    ]);
    expect(entry.version).toEqual(expect.any(String));
    expect(entry.latencies_ms.length).toBeGreaterThan(0);
  });

  it('announces each find once, as a change to healthy', async () => {
    for (const sim of sims) {
      const changes = await harness.waitForChanges(localId(sim.kind, sim.port));
      expect(changes.map((event) => event.backend.state)).toEqual(['healthy']);
    }
  });

  it('marks a backend that went away offline within two intervals', async () => {
    const vllm = sims.find((sim) => sim.kind === 'vllm') as RunningSimulator;
    await vllm.close();
    const closedAt = Date.now();
    const id = localId('vllm', vllm.port);
    const entry = await harness.waitForEntry(
      id,
      (e) => e.state === 'offline',
      2 * TEST_DISCOVERY.interval_ms + SCHEDULING_SLACK_MS,
    );
    expect(Date.now() - closedAt).toBeLessThan(
      2 * TEST_DISCOVERY.interval_ms + SCHEDULING_SLACK_MS,
    );
    expect(entry.consecutive_failures).toBeGreaterThanOrEqual(1);
    expect((await harness.waitForChanges(id, 2)).at(-1)).toMatchObject({
      previous_state: 'healthy',
      backend: { state: 'offline' },
    });
  });
});
