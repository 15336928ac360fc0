import type { BackendKind, ManagementCommandName, PullProgress } from '@switchyard/contracts';
import type { StreamContext, StreamEnd } from '@switchyard/nats';
import type { BackendEndpoint } from '../backend-adapter.js';
import type { ManagementEvent } from './backend-management.js';

/** A management operation with its request type erased; its schema has validated the request. */
export type ErasedManagementOperation = (
  endpoint: BackendEndpoint,
  request: unknown,
  signal: AbortSignal,
) => Promise<unknown> | AsyncIterable<ManagementEvent>;

/** Commands after which the backend may serve other models, or hold them in memory differently. */
export const MODEL_SET_COMMANDS: ReadonlySet<ManagementCommandName> = new Set([
  'pull',
  'delete',
  'copy',
  'load',
  'unload',
  'download',
  'lora-load',
  'lora-unload',
]);

export interface ManagementHandlerDeps {
  kind: BackendKind;
  endpoint: BackendEndpoint;
  command: ManagementCommandName;
  operation: ErasedManagementOperation;
  /** Called after a successful command of {@link MODEL_SET_COMMANDS}, before the end frame. */
  afterChange(): Promise<void>;
}

/** A management command ends like a finished generation, so callers need no other terminal frame. */
const MANAGEMENT_END: StreamEnd = {
  finish_reason: 'stop',
  usage: { prompt_tokens: 0, completion_tokens: 0 },
};

/**
 * Serves one management command: announces the backend, streams the operation's progress and
 * result as deltas, and, when the command changed what the backend serves, has the served model
 * set re-read before the end, so a caller that saw `end` can use a pulled model at once.
 */
export function managementHandler(deps: ManagementHandlerDeps) {
  return async (request: unknown, ctx: StreamContext): Promise<StreamEnd> => {
    ctx.start({ kind: deps.kind, backend: deps.endpoint.id });
    if (deps.command === 'load') ctx.setPhase('loading');
    const outcome = deps.operation(deps.endpoint, request, ctx.signal);
    if (isAsyncIterable(outcome)) {
      for await (const event of outcome) {
        if (event.type === 'progress') {
          ctx.send({ type: 'delta', progress: progressOf(event.progress) });
        } else ctx.send({ type: 'delta', result: event.result });
      }
    } else {
      const result = await outcome;
      if (result !== undefined) ctx.send({ type: 'delta', result });
    }
    // An operation that ignored its signal must not make a cancelled command look finished.
    ctx.signal.throwIfAborted();
    if (MODEL_SET_COMMANDS.has(deps.command)) await deps.afterChange();
    return MANAGEMENT_END;
  };
}

/**
 * Only what the schema allows: callers validate every frame, so one fractional or negative byte
 * count from a backend would otherwise break the whole stream.
 */
function progressOf(progress: PullProgress): PullProgress {
  const clean: PullProgress = { status: String(progress.status) };
  if (typeof progress.digest === 'string') clean.digest = progress.digest;
  if (isByteCount(progress.total)) clean.total = progress.total;
  if (isByteCount(progress.completed)) clean.completed = progress.completed;
  return clean;
}

function isAsyncIterable(value: object): value is AsyncIterable<ManagementEvent> {
  return Symbol.asyncIterator in value;
}

function isByteCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
