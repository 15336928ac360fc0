import type { ManagementCommandName, ManagementRequest, PullProgress } from '@switchyard/contracts';
import type { BackendEndpoint } from '../backend-adapter.js';

/**
 * What a progress-reporting operation (a pull, a download) produces, in order: progress, and at
 * most one result. The runtime turns each into a delta frame.
 */
export type ManagementEvent =
  | { readonly type: 'progress'; readonly progress: PullProgress }
  | { readonly type: 'result'; readonly result: unknown };

/**
 * One management command against one endpoint: a promise of the command's result (JSON, sent
 * as one `result` delta; `undefined` for none), or, for a command that reports progress, a
 * stream of events. It settles when the backend has done the work, throws catalogued
 * `SwitchyardError`s, and stops at once when `signal` aborts (the caller's cancel or the
 * request's deadline).
 */
export type ManagementOperation<C extends ManagementCommandName> = (
  endpoint: BackendEndpoint,
  request: ManagementRequest<C>,
  signal: AbortSignal,
) => Promise<unknown> | AsyncIterable<ManagementEvent>;

/** Commands the runtime answers itself for every kind (`models` comes from `listModels`). */
export type BuiltInManagementCommand = 'models';

/**
 * The management commands a backend kind supports, as an optional part of its adapter. A
 * command left out is answered with `unsupported`.
 */
export type BackendManagement = {
  readonly [C in Exclude<ManagementCommandName, BuiltInManagementCommand>]?: ManagementOperation<C>;
};
