// LM Studio's REST APIs as this worker reads them (`/api/v0` for inference and the model list,
// `/api/v1` for model management). Every field is optional: answers are read defensively.

/** An entry of `GET /api/v0/models`. */
export interface LmStudioV0Model {
  id?: string;
  object?: string;
  type?: 'llm' | 'vlm' | 'embeddings' | string;
  publisher?: string;
  arch?: string;
  compatibility_type?: string;
  quantization?: string;
  state?: 'loaded' | 'not-loaded' | string;
  max_context_length?: number;
}

/** An entry of `GET /api/v1/models`; loaded exactly when `loaded_instances` is non-empty. */
export interface LmStudioV1Model {
  type?: 'llm' | 'embedding' | string;
  publisher?: string;
  key?: string;
  display_name?: string;
  architecture?: string;
  quantization?: { name?: string; bits_per_weight?: number };
  size_bytes?: number;
  params_string?: string;
  loaded_instances?: { id: string; config?: Record<string, unknown> }[];
  max_context_length?: number;
  format?: 'gguf' | 'mlx' | null;
  capabilities?: {
    vision?: boolean;
    trained_for_tool_use?: boolean;
    reasoning?: { allowed_options?: string[]; default?: string };
  };
}

/** `POST /api/v1/models/load`. */
export interface LmStudioLoadRequest {
  model: string;
  context_length?: number;
  eval_batch_size?: number;
  flash_attention?: boolean;
  num_experts?: number;
  offload_kv_cache_to_gpu?: boolean;
  echo_load_config?: boolean;
}

export interface LmStudioLoadResponse {
  type?: 'llm' | 'embedding';
  instance_id?: string;
  load_time_seconds?: number;
  status?: string;
  load_config?: Record<string, unknown>;
}

export type LmStudioDownloadState =
  'downloading' | 'paused' | 'completed' | 'failed' | 'already_downloaded';

/** The answer of `POST /api/v1/models/download` and of its status route. */
export interface LmStudioDownloadStatus {
  job_id?: string;
  status: LmStudioDownloadState;
  bytes_per_second?: number;
  estimated_completion?: string;
  total_size_bytes?: number;
  downloaded_bytes?: number;
  started_at?: string;
  completed_at?: string;
}
