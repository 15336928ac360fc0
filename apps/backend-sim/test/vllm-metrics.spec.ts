import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion, type RunningSimulator } from '../src/index.js';
import { eventually, postJson, startFastSimulator } from './support/http.js';

const sample = (text: string, name: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

// /metrics in Prometheus text with vLLM's metric names (reference §3.7).
describe('vLLM metrics', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startFastSimulator({ kind: 'vllm', models: ['my-model'], maxConcurrency: 1 });
  });
  afterAll(() => sim.close());
  const metrics = async () => (await fetch(`${sim.url}/metrics`)).text();

  it('counts tokens and finished requests, and shows running and waiting requests', async () => {
    const messages = [{ role: 'user', content: 'Hi' }];
    await postJson(`${sim.url}/v1/chat/completions`, {
      model: 'my-model',
      messages,
      max_tokens: 2,
    });
    const response = await fetch(`${sim.url}/metrics`);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await response.text();
    expect(text).toContain('# TYPE vllm:num_requests_running gauge');
    expect(text).toContain('vllm:num_requests_running{engine="0",model_name="my-model"} 0.0');
    expect(sample(text, 'vllm:generation_tokens_total')).toBe(2);
    expect(sample(text, 'vllm:prompt_tokens_total')).toBe(
      expectedCompletion({ model: 'my-model', messages }).promptTokens,
    );
    expect(text).toContain(
      'vllm:request_success_total{engine="0",finished_reason="length",model_name="my-model"} 1.0',
    );
    for (const name of [
      'vllm:kv_cache_usage_perc',
      'vllm:gpu_cache_usage_perc',
      'vllm:e2e_request_latency_seconds_count',
    ]) {
      expect(sample(text, name)).toBeDefined();
    }

    sim.setFaults({ hangMs: -1 });
    const controllers = [new AbortController(), new AbortController()];
    const pending = controllers.map((c) =>
      postJson(
        `${sim.url}/v1/chat/completions`,
        { model: 'my-model', messages },
        { signal: c.signal },
      ).catch(() => undefined),
    );
    await eventually(async () => {
      const now = await metrics();
      return (
        sample(now, 'vllm:num_requests_running') === 1 &&
        sample(now, 'vllm:num_requests_waiting') === 1
      );
    });
    expect(sample(await metrics(), 'vllm:kv_cache_usage_perc')).toBe(1);
    controllers.forEach((c) => c.abort());
    await Promise.all(pending);
    sim.clearFaults();
    await eventually(async () => sample(await metrics(), 'vllm:num_requests_running') === 0);
  });
});
