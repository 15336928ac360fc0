import { sendText } from '../core/http-io.js';
import type { RequestContext } from '../core/router.js';
import type { InferenceEvent, SimContext } from '../core/sim-context.js';

const LATENCY_BUCKETS = [
  0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680,
];
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

class Histogram {
  readonly counts = LATENCY_BUCKETS.map(() => 0);
  sum = 0;
  count = 0;

  observe(value: number): void {
    this.sum += value;
    this.count++;
    LATENCY_BUCKETS.forEach((bound, i) => {
      if (value <= bound) this.counts[i] = (this.counts[i] ?? 0) + 1;
    });
  }
}

/**
 * vLLM's Prometheus metrics under their real names (reference §3.7): labelled with the first
 * served name and engine "0", counters exposed with `_total`, gauges as floats. The deprecated
 * `vllm:gpu_cache_usage_perc` is emitted next to `vllm:kv_cache_usage_perc`.
 */
export class VllmMetrics {
  private promptTokens = 0;
  private generationTokens = 0;
  private readonly success = new Map<string, number>([
    ['stop', 0],
    ['length', 0],
    ['abort', 0],
  ]);
  private readonly e2e = new Histogram();
  private readonly queue = new Histogram();

  constructor(private readonly sim: SimContext) {
    sim.onInference((event) => this.record(event));
  }

  private record(event: InferenceEvent): void {
    if (event.outcome === 'aborted') {
      this.success.set('abort', (this.success.get('abort') ?? 0) + 1);
      return;
    }
    if (event.outcome !== 'completed') return;
    this.promptTokens += event.promptTokens;
    this.generationTokens += event.completionTokens;
    const reason = event.finishReason === 'length' ? 'length' : 'stop';
    this.success.set(reason, (this.success.get(reason) ?? 0) + 1);
    this.e2e.observe(event.totalNs / 1e9);
    this.queue.observe(event.queuedNs / 1e9);
  }

  render(): string {
    const model = this.sim.options.models[0] as string;
    const labels = `engine="0",model_name="${model.replace(/["\\]/g, '\\$&')}"`;
    const stats = this.sim.statsSnapshot();
    const usage = Math.min(1, stats.active / this.sim.options.maxConcurrency);
    const lines: string[] = [];
    const metric = (name: string, type: string, help: string, samples: string[]) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...samples);
    };
    const float = (value: number) => (Number.isInteger(value) ? value.toFixed(1) : String(value));
    metric('vllm:num_requests_running', 'gauge', 'Number of requests in model execution batches.', [
      `vllm:num_requests_running{${labels}} ${float(stats.active)}`,
    ]);
    metric('vllm:num_requests_waiting', 'gauge', 'Number of requests waiting to be processed.', [
      `vllm:num_requests_waiting{${labels}} ${float(stats.waiting)}`,
    ]);
    metric('vllm:kv_cache_usage_perc', 'gauge', 'KV-cache usage. 1 means 100 percent usage.', [
      `vllm:kv_cache_usage_perc{${labels}} ${float(usage)}`,
    ]);
    metric('vllm:gpu_cache_usage_perc', 'gauge', 'GPU KV-cache usage. 1 means 100 percent usage.', [
      `vllm:gpu_cache_usage_perc{${labels}} ${float(usage)}`,
    ]);
    metric('vllm:num_preemptions', 'counter', 'Cumulative number of preemption from the engine.', [
      `vllm:num_preemptions_total{${labels}} 0.0`,
    ]);
    metric('vllm:prompt_tokens', 'counter', 'Number of prefill tokens processed.', [
      `vllm:prompt_tokens_total{${labels}} ${float(this.promptTokens)}`,
    ]);
    metric('vllm:generation_tokens', 'counter', 'Number of generation tokens processed.', [
      `vllm:generation_tokens_total{${labels}} ${float(this.generationTokens)}`,
    ]);
    metric(
      'vllm:request_success',
      'counter',
      'Count of successfully processed requests.',
      [...this.success].map(
        ([reason, count]) =>
          `vllm:request_success_total{engine="0",finished_reason="${reason}",model_name="${model}"} ${float(count)}`,
      ),
    );
    histogram(
      lines,
      'vllm:e2e_request_latency_seconds',
      'Histogram of e2e request latency in seconds.',
      labels,
      this.e2e,
    );
    histogram(
      lines,
      'vllm:request_queue_time_seconds',
      'Histogram of time spent in WAITING phase for request.',
      labels,
      this.queue,
    );
    metric('vllm:cache_config_info', 'gauge', 'Information of the LLMEngine CacheConfig', [
      `vllm:cache_config_info{block_size="16",cache_dtype="auto",enable_prefix_caching="True",engine="0",gpu_memory_utilization="0.9"} 1.0`,
    ]);
    return `${lines.join('\n')}\n`;
  }

  handle(ctx: RequestContext): void {
    sendText(ctx.res, 200, this.render(), PROMETHEUS_TEXT);
  }
}

function histogram(
  lines: string[],
  name: string,
  help: string,
  labels: string,
  data: Histogram,
): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
  LATENCY_BUCKETS.forEach((bound, i) => {
    lines.push(
      `${name}_bucket{${labels},le="${bound.toFixed(1)}"} ${(data.counts[i] as number).toFixed(1)}`,
    );
  });
  lines.push(`${name}_bucket{${labels},le="+Inf"} ${data.count.toFixed(1)}`);
  lines.push(`${name}_count{${labels}} ${data.count.toFixed(1)}`);
  lines.push(`${name}_sum{${labels}} ${data.sum}`);
}
