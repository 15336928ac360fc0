import { fileURLToPath } from 'node:url';
import * as simulator from '@switchyard/backend-sim';
import { RequestStreamClient, silentLogger } from '@switchyard/nats';
import { defineWorkerKind } from '@switchyard/testing';
import { WorkerRuntime } from '@switchyard/worker-runtime';
import { VllmAdapter } from '../../src/index.js';

/** The models the vLLM tests ask for, by what they can do; vLLM serves one model per server. */
export const MODELS = {
  chat: 'Qwen/Qwen2.5-0.5B-Instruct',
  embed: 'BAAI/bge-small-en-v1.5',
  think: 'Qwen/Qwen3-think-0.6B',
  vision: 'llava-hf/llava-1.5-7b-hf',
} as const;

/**
 * The vLLM worker under test: nats-server, simulators (no delays unless a test asks) and
 * in-process workers with the vLLM adapter, for the shared conformance scenarios and for
 * this app's own tests.
 */
export const VLLM = defineWorkerKind({
  kind: 'vllm',
  name: 'vLLM',
  entry: fileURLToPath(new URL('../../dist/main.js', import.meta.url)),
  models: MODELS,
  // A simulator serves the chat model unless a test names another; by default one per model.
  backendDefaults: { models: [MODELS.chat] },
  defaultBackends: Object.values(MODELS).map((model) => ({ models: [model] })),
  simulator,
  createAdapter: (settings) => new VllmAdapter(settings),
  WorkerRuntime,
  RequestStreamClient,
  logger: silentLogger,
  quirks: {
    streamsPromptTokens: true,
    // vLLM streams usage but no timings, and loads its model before it listens.
    timingsSource: 'worker',
    joinedTimingsSource: 'worker',
    embeddingTimingsSource: 'worker',
    modelLoad: 'before-listening',
    toolCallId: () => /^chatcmpl-tool-[0-9a-f]{32}$/,
    jsonModeFormat: 'json',
    switchesThinkingOff: true,
    // vLLM answers 503 when its engine is dead.
    codeFor503: 'backend_unavailable',
    givesLogprobs: true,
    echoesPromptLogprobs: true,
  },
});

export const startVllmTestbed = VLLM.start;
export type VllmTestbed = Awaited<ReturnType<typeof startVllmTestbed>>;
