import type { BackendHttpClient, BackendManagement } from '@switchyard/worker-runtime';
import {
  copyOllamaModel,
  deleteOllamaModel,
  listRunningOllamaModels,
  loadOllamaModel,
  pullOllamaModel,
  showOllamaModel,
  unloadOllamaModel,
} from './ollama-management.js';

/**
 * Ollama's management commands over the NATS protocol: pull (with progress), delete, copy, show,
 * ps, and load and unload through `keep_alive`. Each wraps a function of `ollama-management.ts`.
 */
export function ollamaManagement(http: BackendHttpClient): BackendManagement {
  return {
    async *pull(endpoint, request, signal) {
      const options = request.insecure === undefined ? {} : { insecure: request.insecure };
      for await (const progress of pullOllamaModel(
        http,
        endpoint,
        request.model,
        signal,
        options,
      )) {
        yield { type: 'progress', progress };
      }
    },
    delete: (endpoint, request, signal) => deleteOllamaModel(http, endpoint, request.model, signal),
    copy: (endpoint, request, signal) =>
      copyOllamaModel(http, endpoint, request.source, request.destination, signal),
    show: (endpoint, request, signal) => showOllamaModel(http, endpoint, request.model, signal),
    ps: async (endpoint, _request, signal) => ({
      models: await listRunningOllamaModels(http, endpoint, signal),
    }),
    load: (endpoint, request, signal) =>
      loadOllamaModel(
        http,
        endpoint,
        request.model,
        signal,
        request.keep_alive === undefined ? {} : { keepAlive: request.keep_alive },
      ),
    unload: (endpoint, request, signal) => unloadOllamaModel(http, endpoint, request.model, signal),
  };
}
