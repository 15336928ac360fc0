import type { PullProgress } from '@switchyard/contracts';
import type { BackendHttpClient, BackendManagement } from '@switchyard/worker-runtime';
import {
  downloadLmStudioModel,
  loadLmStudioModel,
  unloadLmStudioModel,
} from './lmstudio-management.js';
import type { LmStudioDownloadStatus } from './lmstudio-wire.types.js';

/**
 * LM Studio's management commands over the NATS protocol: load, unload and download (its job
 * status as progress), through REST API v1. Each wraps a function of `lmstudio-management.ts`.
 */
export function lmStudioManagement(http: BackendHttpClient): BackendManagement {
  return {
    load: (endpoint, request, signal) =>
      loadLmStudioModel(
        http,
        endpoint,
        {
          model: request.model,
          ...(request.context_length === undefined
            ? {}
            : { context_length: request.context_length }),
        },
        signal,
      ),
    unload: async (endpoint, request, signal) => {
      await unloadLmStudioModel(http, endpoint, request.model, signal);
      return { instance_id: request.model };
    },
    async *download(endpoint, request, signal) {
      const download = {
        model: request.model,
        ...(request.quantization === undefined ? {} : { quantization: request.quantization }),
      };
      for await (const status of downloadLmStudioModel(http, endpoint, download, signal)) {
        yield { type: 'progress', progress: downloadProgress(status) };
      }
    },
  };
}

/** A download job's status in the shape of Ollama's pull progress, the protocol's one shape. */
export function downloadProgress(status: LmStudioDownloadStatus): PullProgress {
  return {
    status: status.status,
    ...(status.total_size_bytes === undefined ? {} : { total: status.total_size_bytes }),
    ...(status.downloaded_bytes === undefined ? {} : { completed: status.downloaded_bytes }),
  };
}
