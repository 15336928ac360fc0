import { fileURLToPath } from 'node:url';
import * as simulator from '@switchyard/backend-sim';
import { RequestStreamClient, silentLogger } from '@switchyard/nats';
import { defineWorkerKind } from '@switchyard/testing';
import { WorkerRuntime } from '@switchyard/worker-runtime';
import { LmStudioAdapter } from '../../src/index.js';

/** The models the LM Studio tests ask for, by what they can do; every simulator has them all. */
export const MODELS = {
  chat: 'qwen2.5-7b-instruct',
  embed: 'text-embedding-nomic-embed-text-v1.5',
  think: 'qwen3-think-4b',
  vision: 'llava-v1.5-7b',
} as const;

/**
 * The LM Studio worker under test: nats-server, simulators (no delays unless a test asks) and
 * in-process workers with the LM Studio adapter, for the shared conformance scenarios and for
 * this app's own tests.
 */
export const LMSTUDIO = defineWorkerKind({
  kind: 'lmstudio',
  name: 'LM Studio',
  entry: fileURLToPath(new URL('../../dist/main.js', import.meta.url)),
  models: MODELS,
  backendDefaults: { models: Object.values(MODELS) },
  simulator,
  createAdapter: (settings) => new LmStudioAdapter(settings),
  WorkerRuntime,
  RequestStreamClient,
  logger: silentLogger,
  quirks: {
    // LM Studio streams no usage (its bug tracker #713): the worker counts the tokens it relays
    // and cannot know the prompt's.
    streamsPromptTokens: false,
    // Nor does it stream statistics: the worker measures, and a JIT load shows in the first token.
    timingsSource: 'worker',
    joinedTimingsSource: 'backend',
    embeddingTimingsSource: 'worker',
    modelLoad: 'in-ttft',
    toolCallId: () => /^\d+$/,
    // LM Studio refuses json_object; the worker asks for a schema any JSON object fits.
    jsonModeFormat: { type: 'object' },
    switchesThinkingOff: false,
    codeFor503: 'overloaded',
    // LM Studio answers `"logprobs": null` whatever it is asked.
    givesLogprobs: false,
    echoesPromptLogprobs: false,
  },
});

export const startLmStudioTestbed = LMSTUDIO.start;
export type LmStudioTestbed = Awaited<ReturnType<typeof startLmStudioTestbed>>;
