// The public surface of @switchyard/backend-sim: start simulators in process, and compute what
// they will answer.

export {
  startSimulator,
  type RunningSimulator,
  type SimModelSummary,
  type StartOptions,
} from './simulator.js';
export {
  BACKEND_KINDS,
  DEFAULTS,
  KIND_DEFAULTS,
  resolveOptions,
  type BackendKind,
  type ResolvedOptions,
  type SimulatorOptions,
} from './core/sim-options.js';
export { COMMAND_VARIABLE, parseCliArgs, usage, type CliCommand } from './core/cli-args.js';
export { NO_FAULTS, type SimFaults } from './core/faults.js';
export type { ModelStats, SimStats } from './core/sim-stats.js';
export { SimOptionsError } from './core/sim-errors.js';

export {
  DEFAULT_ANSWER_TOKENS,
  THINKING_TOKENS,
  planGeneration,
  planGeneration as expectedCompletion,
  renderPrompt,
  messageText,
  type FinishReason,
  type GenerationPlan,
  type GenerationQuery,
  type PlannedToolCall,
  type SimMessage,
  type SimTool,
  type SimToolChoice,
} from './core/generator.js';
export {
  base64ToFloat32,
  embedText,
  embedText as expectedEmbedding,
  float32ToBase64,
  type EmbeddingQuery,
} from './core/embeddings.js';
export { MAX_TOP_LOGPROBS, type TokenLogprob, type TopLogprob } from './core/logprobs.js';
export { countTokens, splitPieces } from './core/tokenizer.js';
export { VOCABULARY } from './core/vocabulary.js';
export {
  embeddingDimension,
  isEmbeddingModel,
  isThinkingModel,
  isVisionModel,
  supportsTools,
} from './core/model-traits.js';
export { ollamaCanonicalName } from './ollama/ollama-names.js';
