// vLLM's OpenAI-compatible server as this worker reads it; every field optional (answers are
// read defensively, and fields differ between vLLM versions).

/** A card of `GET /v1/models`: one per served name, plus one per loaded LoRA adapter. */
export interface VllmModelCard {
  id?: string;
  object?: string;
  created?: number;
  owned_by?: string;
  /** The model path or HF id; for a LoRA adapter, the adapter's path. */
  root?: string;
  /** The base model's name for a LoRA adapter, otherwise null. */
  parent?: string | null;
  max_model_len?: number;
}

/** `POST /v1/load_lora_adapter`. */
export interface VllmLoraAdapter {
  lora_name: string;
  lora_path: string;
}
