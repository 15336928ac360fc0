import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningSimulator } from '../src/index.js';
import { postJson, readNdjson, startFastSimulator } from './support/http.js';

// /api/pull (reference §1.6): manifest, per-layer progress, verifying, writing, success; a
// model outside the registry fails with an error line after the manifest line.
describe('Ollama pull', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startFastSimulator({
      kind: 'ollama',
      models: ['llama3.2'],
      catalogue: ['qwen3:0.6b'],
    });
  });
  afterAll(() => sim.close());

  it('streams progress with digest/total/completed and installs the model', async () => {
    const lines = await readNdjson(await postJson(`${sim.url}/api/pull`, { model: 'qwen3:0.6b' }));
    expect(lines[0]).toEqual({ status: 'pulling manifest' });
    expect(lines.slice(-3)).toEqual([
      { status: 'verifying sha256 digest' },
      { status: 'writing manifest' },
      { status: 'success' },
    ]);
    const layers = lines.filter((l) => String(l.status).startsWith('pulling '));
    const firstOfLayer = layers[1] as { status: string; digest: string; total: number };
    expect(firstOfLayer.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(firstOfLayer.status).toBe(`pulling ${firstOfLayer.digest.slice(7, 19)}`);
    expect(firstOfLayer).not.toHaveProperty('completed');
    const progress = layers
      .filter((l) => l.digest === firstOfLayer.digest)
      .map((l) => l.completed ?? 0);
    expect(progress).toEqual([...progress].sort((a, b) => (a as number) - (b as number)));
    expect(progress.at(-1)).toBe(firstOfLayer.total);

    const tags = (await (await fetch(`${sim.url}/api/tags`)).json()) as {
      models: { name: string }[];
    };
    expect(tags.models.map((m) => m.name)).toContain('qwen3:0.6b');
  });

  it('fails an unknown model with an error line, or a 500 when not streaming', async () => {
    const lines = await readNdjson(
      await postJson(`${sim.url}/api/pull`, { model: 'no-such-model' }),
    );
    expect(lines).toEqual([
      { status: 'pulling manifest' },
      { error: 'pull model manifest: file does not exist' },
    ]);
    const plain = await postJson(`${sim.url}/api/pull`, { model: 'no-such-model', stream: false });
    expect(plain.status).toBe(500);
    expect(await plain.json()).toEqual({ error: 'pull model manifest: file does not exist' });
  });
});
