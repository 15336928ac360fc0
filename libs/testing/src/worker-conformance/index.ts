// Behaviours every worker kind must show end to end, written once: each worker app's tests run
// them with the profile of their kind (see WorkerKindProfile).
export type * from './conformance-profile.js';
export { useTestbed } from './use-testbed.js';
export {
  defineWorkerKind,
  type SimulatedWorkerKind,
  type SimulatorPackage,
  type WorkerKindParts,
} from './define-worker-kind.js';
export { describeOperations } from './operations.scenario.js';
export { describeToolCalls } from './tool-calls.scenario.js';
export { describeReasoning } from './reasoning.scenario.js';
export { describeJsonMode } from './json-mode.scenario.js';
export { describeCompletionsAsChats } from './completions-as-chats.scenario.js';
export { describeVision } from './vision.scenario.js';
export { describeBackendFaults } from './backend-faults.scenario.js';
export { describeCancellation } from './cancellation.scenario.js';
export { describeEndFrameTimings } from './end-frame-timings.scenario.js';
export { describeJoinedAnswers } from './joined-answers.scenario.js';
export { describeLogprobs } from './logprobs.scenario.js';
export { describeEcho } from './echo.scenario.js';
