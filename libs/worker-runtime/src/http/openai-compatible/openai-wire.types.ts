// The OpenAI Chat Completions / Completions / Embeddings wire format as LM Studio and vLLM speak
// it. Request shapes are what we send; response shapes are what we read, every field optional
// because a backend's answer is read defensively, never trusted.

export interface OpenAiTextPart {
  type: 'text';
  text: string;
}

export interface OpenAiImagePart {
  type: 'image_url';
  image_url: { url: string };
}

export type OpenAiContentPart = OpenAiTextPart | OpenAiImagePart;

export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAiChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string | OpenAiContentPart[] | null;
  name?: string;
  tool_calls?: OpenAiToolCall[];
  tool_call_id?: string;
}

export interface OpenAiTool {
  type: 'function';
  function: {
    name: string;
    description?: string;
    parameters?: Record<string, unknown>;
    strict?: boolean;
  };
}

export type OpenAiToolChoice =
  'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export type OpenAiResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; schema: Record<string, unknown>; strict?: boolean };
    };

export interface OpenAiToolCallDelta {
  index?: number;
  id?: string;
  type?: string;
  function?: { name?: string; arguments?: string };
}

export interface OpenAiDelta {
  role?: string;
  content?: string | null;
  /** vLLM before the rename and LM Studio 0.3.x. */
  reasoning_content?: string | null;
  /** vLLM after the rename. */
  reasoning?: string | null;
  tool_calls?: OpenAiToolCallDelta[] | null;
}

/**
 * A choice's log-probabilities when asked for: a chat's `content` entries
 * (`[{token, logprob, bytes, top_logprobs}]`), or a completion's parallel lists.
 */
export interface OpenAiChoiceLogprobs {
  /** Chats. */
  content?: unknown;
  /** Completions: the tokens, their log-probabilities, and a `{token: logprob}` dict each. */
  tokens?: unknown;
  token_logprobs?: unknown;
  top_logprobs?: unknown;
  text_offset?: unknown;
}

export interface OpenAiStreamChoice {
  index?: number;
  /** Chat chunks. */
  delta?: OpenAiDelta;
  /** Completion chunks. */
  text?: string;
  logprobs?: OpenAiChoiceLogprobs | null;
  finish_reason?: string | null;
  /** vLLM's: the stop string (or token id) that ended the answer; null for EOS or length. */
  stop_reason?: string | number | null;
}

export interface OpenAiUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

export interface OpenAiStreamChunk {
  id?: string;
  object?: string;
  model?: string;
  choices?: OpenAiStreamChoice[];
  usage?: OpenAiUsage | null;
}

export interface OpenAiAnswerChoice {
  index?: number;
  /** Chat answers: the whole message, shaped as a delta holding everything. */
  message?: OpenAiDelta;
  /** Completion answers. */
  text?: string;
  logprobs?: OpenAiChoiceLogprobs | null;
  finish_reason?: string | null;
  /** vLLM's: the stop string (or token id) that ended the answer; null for EOS or length. */
  stop_reason?: string | number | null;
}

/** A non-streamed chat or completion answer (`stream: false`). */
export interface OpenAiAnswer {
  id?: string;
  object?: string;
  model?: string;
  choices?: OpenAiAnswerChoice[];
  usage?: OpenAiUsage | null;
}

export interface OpenAiEmbeddingResponse {
  model?: string;
  data?: { index?: number; embedding?: number[] | string }[];
  usage?: OpenAiUsage;
}
