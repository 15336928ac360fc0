import { encodeModelToken } from './model-token.js';
import type { BackendKind } from '../messages/backend-kind.js';

/** The protocol version carried in every subject. A breaking change to any message bumps it. */
export const PROTOCOL_VERSION = 'v1';

/** The subject prefix used when the configuration names none. */
export const DEFAULT_SUBJECT_PREFIX = 'switchyard';

/** The operations a worker serves, one request subject per operation and model. */
export const INFERENCE_OPERATIONS = ['chat', 'complete', 'embed'] as const;
export type InferenceOperation = (typeof INFERENCE_OPERATIONS)[number];

/** Orchestrator commands, each a request subject of its own. */
export const ORCHESTRATOR_COMMANDS = [
  'ensure',
  'start',
  'stop',
  'restart',
  'status',
  'logs',
  'pull',
] as const;
export type OrchestratorCommandName = (typeof ORCHESTRATOR_COMMANDS)[number];

/**
 * Model management commands a worker answers for each backend it is configured with, each a
 * request subject of its own (one subject token, so `backend.<id>.*` covers them all). Which
 * kinds support which command is the worker's business; the others answer `unsupported`.
 */
export const MANAGEMENT_COMMANDS = [
  'models',
  'pull',
  'delete',
  'copy',
  'show',
  'ps',
  'load',
  'unload',
  'download',
  'lora-load',
  'lora-unload',
] as const;
export type ManagementCommandName = (typeof MANAGEMENT_COMMANDS)[number];

export function isManagementCommand(value: unknown): value is ManagementCommandName {
  return (MANAGEMENT_COMMANDS as readonly unknown[]).includes(value);
}

const PREFIX_PATTERN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
/** Ids that go into subjects unencoded: request ids, backend ids, worker ids. */
export const SUBJECT_SAFE_ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Every subject of the protocol, built under one prefix. This is the only place a subject string
 * is spelled out; services and tests ask an instance of this class for theirs.
 *
 * Inference requests go to `<prefix>.v1.<op>.<model-token>`, or to
 * `<prefix>.v1.<op>.<model-token>.<kind>` when the caller pins a backend kind. A worker
 * subscribes to both for each model it serves, all in one queue group, so each request reaches
 * exactly one worker whichever form it used.
 */
export class Subjects {
  /** `<prefix>.v1`: every subject below starts with it. */
  readonly root: string;
  /** The queue group every worker uses for request subjects. */
  readonly workerQueue: string;
  /**
   * The queue group of orchestrator command subjects: a second orchestrator started by mistake
   * with the same configuration shares the commands instead of running each one twice.
   */
  readonly orchestratorQueue: string;
  /** The queue group of the discovery snapshot subject, so one replica answers each request. */
  readonly discoveryQueue: string;
  /** The JetStream KV bucket that holds the fleet registry. */
  readonly registryBucket: string;
  /** The JetStream KV bucket that holds the discovery replicas' leader lease. */
  readonly leaseBucket: string;
  /** Discovery answers a request here with a registry snapshot. */
  readonly discoverySnapshot: string;

  constructor(readonly prefix: string = DEFAULT_SUBJECT_PREFIX) {
    if (!PREFIX_PATTERN.test(prefix)) {
      throw new RangeError(
        `subject prefix "${prefix}" is invalid: use dot-separated tokens of letters, digits, "_" and "-"`,
      );
    }
    this.root = `${prefix}.${PROTOCOL_VERSION}`;
    // Queue groups and bucket names are names, not subjects: NATS refuses dots in them.
    const name = prefix.replaceAll('.', '_');
    this.workerQueue = `${name}-workers`;
    this.orchestratorQueue = `${name}-orchestrator`;
    this.discoveryQueue = `${name}-discovery`;
    this.registryBucket = `${name}_registry`;
    this.leaseBucket = `${this.registryBucket}_lease`;
    this.discoverySnapshot = `${this.root}.discovery.snapshot`;
  }

  /** The request subject for one operation on one model, optionally pinned to a backend kind. */
  inference(operation: InferenceOperation, model: string, kind?: BackendKind): string {
    const subject = `${this.root}.${operation}.${encodeModelToken(model)}`;
    return kind === undefined ? subject : `${subject}.${kind}`;
  }

  chat(model: string, kind?: BackendKind): string {
    return this.inference('chat', model, kind);
  }

  complete(model: string, kind?: BackendKind): string {
    return this.inference('complete', model, kind);
  }

  embed(model: string, kind?: BackendKind): string {
    return this.inference('embed', model, kind);
  }

  /** Every request subject of one operation (or of all), for monitoring and permissions. */
  inferenceWildcard(operation?: InferenceOperation): string {
    return operation === undefined ? `${this.root}.*.>` : `${this.root}.${operation}.>`;
  }

  /** Where a caller sends the cancel message for a request. */
  cancel(requestId: string): string {
    return `${this.root}.cancel.${safeId(requestId, 'request id')}`;
  }

  /** What a worker subscribes to in order to hear every cancel message. */
  get cancelWildcard(): string {
    return `${this.root}.cancel.*`;
  }

  /** Where a caller that lost frames of a request's reply stream asks for them again. */
  resend(requestId: string): string {
    return `${this.root}.resend.${safeId(requestId, 'request id')}`;
  }

  /** What a worker subscribes to in order to hear every resend message. */
  get resendWildcard(): string {
    return `${this.root}.resend.*`;
  }

  /** Health events of one backend. */
  health(backendId: string): string {
    return `${this.root}.health.${safeId(backendId, 'backend id')}`;
  }

  get healthWildcard(): string {
    return `${this.root}.health.*`;
  }

  /** Orchestrator command subjects (request/reply). */
  orchestrator(command: OrchestratorCommandName): string {
    return `${this.root}.orchestrator.${command}`;
  }

  /** Every orchestrator command subject, for permissions and for answering unknown commands. */
  get orchestratorWildcard(): string {
    return `${this.root}.orchestrator.*`;
  }

  /** Lifecycle events of one managed backend. */
  lifecycle(backendId: string): string {
    return `${this.root}.lifecycle.${safeId(backendId, 'backend id')}`;
  }

  get lifecycleWildcard(): string {
    return `${this.root}.lifecycle.*`;
  }

  /** A model management command for one configured backend (request → frames). */
  management(backendId: string, command: ManagementCommandName): string {
    return `${this.root}.backend.${safeId(backendId, 'backend id')}.${command}`;
  }

  /** Every management subject of one backend, or of all backends, for permissions and monitoring. */
  managementWildcard(backendId?: string): string {
    const backend = backendId === undefined ? '*' : safeId(backendId, 'backend id');
    return `${this.root}.backend.${backend}.*`;
  }
}

function safeId(id: string, what: string): string {
  if (!SUBJECT_SAFE_ID.test(id)) {
    throw new RangeError(`${what} "${id}" is invalid: use 1 to 128 letters, digits, "_" or "-"`);
  }
  return id;
}
