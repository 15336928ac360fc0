import { setTimeout as sleep } from 'node:timers/promises';
import { isRecord, SwitchyardError } from '@switchyard/contracts';
import {
  abortError,
  type BackendEndpoint,
  type BackendHttpClient,
} from '@switchyard/worker-runtime';
import type {
  LmStudioDownloadStatus,
  LmStudioLoadRequest,
  LmStudioLoadResponse,
  LmStudioV1Model,
} from './lmstudio-wire.types.js';

// Model management through LM Studio's REST API v1 (LM Studio 0.4+), for the orchestrator and
// the admin API. Each function takes the adapter's client (`LmStudioAdapter.http`).

/** How often a download's status is asked for, by default. */
export const DOWNLOAD_POLL_INTERVAL_MS = 1_000;

/** Every downloaded model with its loaded instances (`GET /api/v1/models`). */
export async function listLmStudioModels(
  http: BackendHttpClient,
  endpoint: BackendEndpoint,
  signal: AbortSignal,
): Promise<LmStudioV1Model[]> {
  const answer = await http.json(endpoint, { path: '/api/v1/models', signal });
  const models = isRecord(answer) ? answer['models'] : undefined;
  return Array.isArray(models) ? (models as LmStudioV1Model[]) : [];
}

/** Loads a model and resolves once it is loaded, with its instance id. */
export async function loadLmStudioModel(
  http: BackendHttpClient,
  endpoint: BackendEndpoint,
  request: LmStudioLoadRequest,
  signal: AbortSignal,
): Promise<LmStudioLoadResponse> {
  const answer = await http.json(endpoint, { path: '/api/v1/models/load', json: request, signal });
  return (answer ?? {}) as LmStudioLoadResponse;
}

/** Unloads one loaded instance (its id is the model key unless it was loaded under another). */
export async function unloadLmStudioModel(
  http: BackendHttpClient,
  endpoint: BackendEndpoint,
  instanceId: string,
  signal: AbortSignal,
): Promise<void> {
  const json = { instance_id: instanceId };
  await http.json(endpoint, { path: '/api/v1/models/unload', json, signal });
}

/**
 * Downloads a model (a catalog id or a Hugging Face URL), yielding the job's status: first the
 * answer to the request, then a poll every `pollIntervalMs` until `completed`. A model already
 * on disk yields `already_downloaded` once. A `failed` job is a `backend_error`; a `paused` one
 * keeps being polled (someone may resume it in the app) until the signal aborts.
 */
export async function* downloadLmStudioModel(
  http: BackendHttpClient,
  endpoint: BackendEndpoint,
  request: { model: string; quantization?: string },
  signal: AbortSignal,
  options: { pollIntervalMs?: number } = {},
): AsyncGenerator<LmStudioDownloadStatus, void, undefined> {
  const interval = options.pollIntervalMs ?? DOWNLOAD_POLL_INTERVAL_MS;
  const path = '/api/v1/models/download';
  let status = (await http.json(endpoint, {
    path,
    json: request,
    signal,
  })) as LmStudioDownloadStatus;
  for (;;) {
    if (status.status === 'failed') {
      throw new SwitchyardError('backend_error', `the download of ${request.model} failed`, {
        details: { job_id: status.job_id },
      });
    }
    yield status;
    if (status.status === 'completed' || status.status === 'already_downloaded') return;
    const jobId = status.job_id;
    if (jobId === undefined) {
      throw new SwitchyardError('backend_error', 'LM Studio started a download without a job id');
    }
    try {
      await sleep(interval, undefined, { signal });
    } catch {
      throw abortError(signal);
    }
    const statusPath = `${path}/status/${encodeURIComponent(jobId)}`;
    status = (await http.json(endpoint, { path: statusPath, signal })) as LmStudioDownloadStatus;
  }
}
