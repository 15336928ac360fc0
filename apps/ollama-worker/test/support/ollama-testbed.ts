import { fileURLToPath } from 'node:url';
import * as simulator from '@switchyard/backend-sim';
import { RequestStreamClient, silentLogger } from '@switchyard/nats';
import { defineWorkerKind } from '@switchyard/testing';
import { WorkerRuntime } from '@switchyard/worker-runtime';
import { OllamaAdapter } from '../../src/index.js';

/** The models the Ollama tests ask for, by what they can do; every simulator has them all. */
export const MODELS = {
  chat: 'llama3.2:latest',
  embed: 'all-minilm:latest',
  think: 'qwen3-think:0.6b',
  vision: 'llava:7b',
} as const;

/**
 * The Ollama worker under test: nats-server, simulators (no delays unless a test asks) and
 * in-process workers with the Ollama adapter, for the shared conformance scenarios and for
 * this app's own tests.
 */
export const OLLAMA = defineWorkerKind({
  kind: 'ollama',
  name: 'Ollama',
  entry: fileURLToPath(new URL('../../dist/main.js', import.meta.url)),
  models: MODELS,
  backendDefaults: { models: Object.values(MODELS) },
  simulator,
  createAdapter: (settings) => new OllamaAdapter(settings),
  WorkerRuntime,
  RequestStreamClient,
  logger: silentLogger,
  quirks: {
    streamsPromptTokens: true,
    timingsSource: 'backend',
    joinedTimingsSource: 'backend',
    embeddingTimingsSource: 'backend',
    modelLoad: 'reported',
    // Ollama sends whole calls with ids of its own: `call_` and the simulator's eight characters.
    toolCallId: (planned) => `call_${planned.id}`,
    jsonModeFormat: 'json',
    switchesThinkingOff: true,
    codeFor503: 'overloaded',
    givesLogprobs: true,
    echoesPromptLogprobs: false,
  },
});

export const startOllamaTestbed = OLLAMA.start;
export type OllamaTestbed = Awaited<ReturnType<typeof startOllamaTestbed>>;
