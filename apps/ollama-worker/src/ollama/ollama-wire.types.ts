// Ollama's native API (`/api/*`) as this worker uses it. Request shapes are what we send;
// response shapes are read defensively, so every field is optional (Ollama omits zero values).

export interface OllamaToolCall {
  id?: string;
  function: { index?: number; name: string; arguments: Record<string, unknown> };
}

export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  thinking?: string;
  images?: string[];
  tool_calls?: OllamaToolCall[];
  tool_name?: string;
  tool_call_id?: string;
}

export interface OllamaTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

/** `POST /api/chat`. */
export interface OllamaChatBody extends OllamaTopLevel {
  model: string;
  messages: OllamaMessage[];
  stream: boolean;
  tools?: OllamaTool[];
}

/** `POST /api/generate`. */
export interface OllamaGenerateBody extends OllamaTopLevel {
  model: string;
  prompt: string;
  suffix?: string;
  /** Base64 images the prompt is about, for a vision model. */
  images?: string[];
  /** Overrides the model's system prompt; the model's template is applied with it. */
  system?: string;
  /** The prompt as it is, with no template. */
  raw?: boolean;
  stream: boolean;
}

/** `POST /api/embed`. */
export interface OllamaEmbedBody {
  model: string;
  input: string[];
  truncate?: boolean;
  dimensions?: number;
  keep_alive?: string | number;
  options?: Record<string, unknown>;
}

/** Fields of generate and chat requests that sit next to `options`, not inside it. */
export interface OllamaTopLevel {
  format?: 'json' | Record<string, unknown>;
  think?: boolean | 'low' | 'medium' | 'high' | 'max';
  logprobs?: boolean;
  /** Alternatives per position, 0-20; with `logprobs`. */
  top_logprobs?: number;
  keep_alive?: string | number;
  options?: Record<string, unknown>;
  [key: string]: unknown;
}

/** One NDJSON line of `/api/chat` or `/api/generate`. */
export interface OllamaStreamLine {
  model?: string;
  created_at?: string;
  /** `/api/chat`. */
  message?: {
    role?: string;
    content?: string;
    thinking?: string;
    tool_calls?: {
      id?: string;
      function?: { index?: number; name?: string; arguments?: unknown };
    }[];
  };
  /** `/api/generate`. */
  response?: string;
  thinking?: string;
  tool_calls?: { id?: string; function?: { index?: number; name?: string; arguments?: unknown } }[];
  done?: boolean;
  done_reason?: string;
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
  prompt_eval_duration?: number;
  eval_count?: number;
  eval_duration?: number;
  /**
   * When asked (Ollama 0.12.11 and later): the line's tokens,
   * `[{token, logprob, bytes?, top_logprobs?: [{token, logprob, bytes?}]}]`.
   */
  logprobs?: unknown;
  error?: unknown;
}

export interface OllamaEmbedResponse {
  model?: string;
  embeddings?: number[][];
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
}

export interface OllamaModelDetails {
  parent_model?: string;
  format?: string;
  family?: string;
  families?: string[] | null;
  parameter_size?: string;
  quantization_level?: string;
}

/** An entry of `GET /api/tags`. */
export interface OllamaListedModel {
  name?: string;
  model?: string;
  modified_at?: string;
  size?: number;
  digest?: string;
  details?: OllamaModelDetails;
  capabilities?: string[];
}

/** An entry of `GET /api/ps`. */
export interface OllamaRunningModel extends OllamaListedModel {
  expires_at?: string;
  size_vram?: number;
  context_length?: number;
}

/** One NDJSON line of `/api/pull` (`api.ProgressResponse`). */
export interface OllamaPullProgress {
  status: string;
  digest?: string;
  total?: number;
  completed?: number;
}

/** `POST /api/show`. */
export interface OllamaShowResponse {
  modelfile?: string;
  parameters?: string;
  template?: string;
  system?: string;
  details?: OllamaModelDetails;
  model_info?: Record<string, unknown>;
  capabilities?: string[];
  modified_at?: string;
  license?: string;
}
