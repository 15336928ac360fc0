// The public surface of @switchyard/contracts: everything that crosses NATS, defined once.

export * from './subjects/model-token.js';
export * from './subjects/subjects.js';

export * from './errors/error-catalogue.js';
export * from './errors/issue-messages.js';
export * from './errors/switchyard-error.js';

export * from './messages/backend-kind.js';
export * from './messages/request-common.js';
export * from './messages/chat-request.js';
export * from './messages/completion-request.js';
export * from './messages/embedding-request.js';
export * from './messages/cancel-request.js';
export * from './messages/resend-request.js';
export * from './messages/request-headers.js';
export * from './messages/message-size.js';
export * from './management/management-requests.js';

export * from './frames/reply-frames.js';
export { decodeReplyFrame } from './frames/reply-frame-decoder.js';
export * from './frames/json-codec.js';

export * from './fleet/backend-health.js';
export * from './fleet/model-capabilities.js';
export * from './fleet/model-details.js';
export * from './fleet/ollama-model-names.js';
export * from './fleet/worker-service.js';
export * from './orchestrator/orchestrator-messages.js';

export * from './config/config-schema.js';
export * from './config/load-config.js';
export { overrideVariable } from './config/environment-overrides.js';
export * from './config/config-json-schema.js';
export * from './config/config-reference.js';
