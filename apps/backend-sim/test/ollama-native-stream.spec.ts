import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion, type RunningSimulator } from '../src/index.js';
import { postJson, readNdjson, startFastSimulator } from './support/http.js';

// Recorded format of Ollama's native streams (reference §1.3, §1.4): NDJSON objects, the last
// one with done:true, done_reason and integer nanosecond metrics; zero metrics absent.
describe('Ollama native streaming', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startFastSimulator({
      kind: 'ollama',
      loadMs: 20,
      models: ['llama3.2:latest', 'qwen3-think:0.6b'],
    });
  });
  afterAll(() => sim.close());

  const RFC3339_NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

  it('streams /api/chat by default, ending in a final object with ns durations', async () => {
    const messages = [{ role: 'user', content: 'Say something' }];
    const response = await postJson(`${sim.url}/api/chat`, { model: 'llama3.2', messages });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const lines = await readNdjson(response);
    const expected = expectedCompletion({ model: 'llama3.2:latest', messages });
    const chunks = lines.slice(0, -1);
    expect(chunks.map((c) => (c.message as { content: string }).content)).toEqual(expected.pieces);
    for (const chunk of chunks) {
      expect(Object.keys(chunk)).toEqual(['model', 'created_at', 'message', 'done']);
      expect(chunk).toMatchObject({
        model: 'llama3.2',
        done: false,
        message: { role: 'assistant' },
      });
      expect(chunk.created_at).toMatch(RFC3339_NANO);
    }
    const final = lines.at(-1) as Record<string, unknown>;
    expect(final).toMatchObject({
      model: 'llama3.2',
      message: { role: 'assistant', content: '' },
      done: true,
      done_reason: 'stop',
      prompt_eval_count: expected.promptTokens,
      eval_count: expected.completionTokens,
    });
    for (const key of [
      'total_duration',
      'load_duration',
      'prompt_eval_duration',
      'eval_duration',
    ]) {
      expect(Number.isInteger(final[key])).toBe(true);
      expect(final[key] as number).toBeGreaterThan(0);
    }
    // The first request loaded the model: load_duration covers the 20 ms load, in nanoseconds.
    expect(final.load_duration as number).toBeGreaterThanOrEqual(15_000_000);
  });

  it('streams /api/generate with response fragments, done_reason length and a context', async () => {
    const response = await postJson(`${sim.url}/api/generate`, {
      model: 'llama3.2',
      prompt: 'Once',
      options: { num_predict: 3 },
    });
    const lines = await readNdjson(response);
    const expected = expectedCompletion({ model: 'llama3.2:latest', prompt: 'Once', maxTokens: 3 });
    expect(lines.slice(0, -1).map((l) => l.response)).toEqual(expected.pieces);
    const final = lines.at(-1) as Record<string, unknown>;
    expect(Object.keys(final).slice(0, 6)).toEqual([
      'model',
      'created_at',
      'response',
      'done',
      'done_reason',
      'context',
    ]);
    expect(final).toMatchObject({ response: '', done: true, done_reason: 'length', eval_count: 3 });
    expect(Array.isArray(final.context)).toBe(true);
  });

  it('puts thinking first, in the thinking field, for a model named *think*', async () => {
    const messages = [{ role: 'user', content: 'Why?' }];
    const lines = await readNdjson(
      await postJson(`${sim.url}/api/chat`, { model: 'qwen3-think:0.6b', messages }),
    );
    const expected = expectedCompletion({ model: 'qwen3-think:0.6b', messages });
    const thinking = lines.filter(
      (l) => (l.message as { thinking?: string }).thinking !== undefined,
    );
    expect(thinking.map((l) => (l.message as { thinking: string }).thinking)).toEqual(
      expected.thinkingPieces,
    );
    expect(lines.indexOf(thinking.at(-1) as Record<string, unknown>)).toBe(
      expected.thinkingPieces.length - 1,
    );
  });

  it('answers stream:false with one JSON object holding the whole text', async () => {
    const messages = [{ role: 'user', content: 'Why?' }];
    const response = await postJson(`${sim.url}/api/chat`, {
      model: 'qwen3-think:0.6b',
      messages,
      stream: false,
    });
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { message: Record<string, unknown>; done: boolean };
    const expected = expectedCompletion({ model: 'qwen3-think:0.6b', messages });
    expect(body.done).toBe(true);
    expect(body.message).toEqual({
      role: 'assistant',
      content: expected.text,
      thinking: expected.thinking,
    });
  });
});
