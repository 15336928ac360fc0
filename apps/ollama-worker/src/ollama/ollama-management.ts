import { isRecord, SwitchyardError } from '@switchyard/contracts';
import {
  readNdjson,
  type BackendEndpoint,
  type BackendHttpClient,
} from '@switchyard/worker-runtime';
import { translateOllamaError } from './ollama-errors.js';
import type {
  OllamaPullProgress,
  OllamaRunningModel,
  OllamaShowResponse,
} from './ollama-wire.types.js';

// Model management on an Ollama server, for the orchestrator and the admin API. Each function
// takes the adapter's client (`OllamaAdapter.http`), so errors are translated the Ollama way.

/**
 * Downloads a model, yielding Ollama's progress objects as they come (`pulling manifest`,
 * `pulling <digest>` with `total`/`completed`, `verifying sha256 digest`, `writing manifest`,
 * `success`). Ollama reports failures as an `{"error":…}` line after the stream has started;
 * it is thrown as a catalogued error (`model_not_found` when the registry has no such model).
 */
export async function* pullOllamaModel(
  http: BackendHttpClient,
  endpoint: BackendEndpoint,
  model: string,
  signal: AbortSignal,
  options: { insecure?: boolean } = {},
): AsyncGenerator<OllamaPullProgress, void, undefined> {
  const json = { model, stream: true, ...(options.insecure ? { insecure: true } : {}) };
  const response = await http.stream(endpoint, { path: '/api/pull', json, signal });
  for await (const line of readNdjson(response.body)) {
    if (!isRecord(line)) continue;
    if (line['error'] !== undefined) {
      throw translateOllamaError({ status: 200, body: line, text: JSON.stringify(line) });
    }
    const progress = line as unknown as OllamaPullProgress;
    yield progress;
    if (progress.status === 'success') return;
  }
  throw new SwitchyardError('backend_error', `the pull of ${model} ended before "success"`);
}

/** Removes a model from disk (`DELETE /api/delete`; 404 → `model_not_found`). */
export async function deleteOllamaModel(
  http: BackendHttpClient,
  endpoint: BackendEndpoint,
  model: string,
  signal: AbortSignal,
): Promise<void> {
  await http.text(endpoint, { method: 'DELETE', path: '/api/delete', json: { model }, signal });
}

/** Copies a model under a new name (`POST /api/copy`). */
export async function copyOllamaModel(
  http: BackendHttpClient,
  endpoint: BackendEndpoint,
  source: string,
  destination: string,
  signal: AbortSignal,
): Promise<void> {
  await http.text(endpoint, { path: '/api/copy', json: { source, destination }, signal });
}

/** A model's details, template, parameters and capabilities (`POST /api/show`). */
export async function showOllamaModel(
  http: BackendHttpClient,
  endpoint: BackendEndpoint,
  model: string,
  signal: AbortSignal,
): Promise<OllamaShowResponse> {
  const answer = await http.json(endpoint, { path: '/api/show', json: { model }, signal });
  return (answer ?? {}) as OllamaShowResponse;
}

/** The models in memory now, longest-remaining first (`GET /api/ps`). */
export async function listRunningOllamaModels(
  http: BackendHttpClient,
  endpoint: BackendEndpoint,
  signal: AbortSignal,
): Promise<OllamaRunningModel[]> {
  const answer = await http.json(endpoint, { path: '/api/ps', signal });
  const models = isRecord(answer) ? answer['models'] : undefined;
  return Array.isArray(models) ? (models as OllamaRunningModel[]) : [];
}

/**
 * Loads a model into memory and keeps it there for `keepAlive` (Ollama's duration: `"10m"`,
 * seconds as a number, or negative for ever; Ollama's default when absent). It is a generate
 * request with no prompt, which Ollama answers with `done_reason: "load"` once the model is in
 * memory, so this resolves only then. An embedding model does not `generate` (`unsupported`):
 * it is loaded by an embedding request with no input, which Ollama answers with no vectors once
 * the model is in memory.
 */
export async function loadOllamaModel(
  http: BackendHttpClient,
  endpoint: BackendEndpoint,
  model: string,
  signal: AbortSignal,
  options: { keepAlive?: string | number } = {},
): Promise<void> {
  const keepAlive = options.keepAlive === undefined ? {} : { keep_alive: options.keepAlive };
  try {
    await http.json(endpoint, {
      path: '/api/generate',
      json: Object.assign({ model, stream: false }, keepAlive),
      signal,
    });
  } catch (error) {
    if (!(error instanceof SwitchyardError) || error.code !== 'unsupported') throw error;
    await http.json(endpoint, {
      path: '/api/embed',
      json: Object.assign({ model, input: [] }, keepAlive),
      signal,
    });
  }
}

/** Unloads a model now (`keep_alive: 0` with no prompt; answered with `done_reason: "unload"`). */
export async function unloadOllamaModel(
  http: BackendHttpClient,
  endpoint: BackendEndpoint,
  model: string,
  signal: AbortSignal,
): Promise<void> {
  const json = { model, keep_alive: 0, stream: false };
  await http.json(endpoint, { path: '/api/generate', json, signal });
}
