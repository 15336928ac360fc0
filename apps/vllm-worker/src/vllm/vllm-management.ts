import type { BackendEndpoint, BackendHttpClient } from '@switchyard/worker-runtime';
import type { VllmLoraAdapter } from './vllm-wire.types.js';

// What can be managed on a running vLLM: its LoRA adapters (the base model is fixed at start).
// Runtime LoRA updates need the server started with VLLM_ALLOW_RUNTIME_LORA_UPDATING=True.
// The served models are listed by `listVllmModelCards` (vllm.adapter.ts).

/**
 * Loads a LoRA adapter under `lora_name`, after which requests may name it as their model.
 * vLLM answers with plain text (`Success: LoRA adapter 'x' added successfully.`), returned.
 * Already loaded → `bad_request`; path not found → `not_found`.
 */
export async function loadVllmLoraAdapter(
  http: BackendHttpClient,
  endpoint: BackendEndpoint,
  adapter: VllmLoraAdapter,
  signal: AbortSignal,
): Promise<string> {
  const path = '/v1/load_lora_adapter';
  return (await http.text(endpoint, { path, json: adapter, signal })).text;
}

/** Unloads a LoRA adapter; an unknown name → `not_found`. */
export async function unloadVllmLoraAdapter(
  http: BackendHttpClient,
  endpoint: BackendEndpoint,
  loraName: string,
  signal: AbortSignal,
): Promise<string> {
  const path = '/v1/unload_lora_adapter';
  return (await http.text(endpoint, { path, json: { lora_name: loraName }, signal })).text;
}
