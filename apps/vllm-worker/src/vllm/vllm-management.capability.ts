import { SwitchyardError } from '@switchyard/contracts';
import type { BackendHttpClient, BackendManagement } from '@switchyard/worker-runtime';
import { loadVllmLoraAdapter, unloadVllmLoraAdapter } from './vllm-management.js';

/**
 * vLLM's management commands over the NATS protocol: loading and unloading LoRA adapters, which
 * a server allows only when started with `VLLM_ALLOW_RUNTIME_LORA_UPDATING=True`. The served
 * models themselves are fixed at start (`models` lists them).
 */
export function vllmManagement(http: BackendHttpClient): BackendManagement {
  return {
    'lora-load': async (endpoint, request, signal) => {
      const adapter = { lora_name: request.lora_name, lora_path: request.lora_path };
      return {
        message: await loraRoute(() => loadVllmLoraAdapter(http, endpoint, adapter, signal)),
      };
    },
    'lora-unload': async (endpoint, request, signal) => {
      const name = request.lora_name;
      return {
        message: await loraRoute(() => unloadVllmLoraAdapter(http, endpoint, name, signal)),
      };
    },
  };
}

/**
 * Without runtime LoRA updating the routes do not exist, and FastAPI answers its bare
 * `{"detail":"Not Found"}`, while a missing adapter is a 404 in vLLM's own error envelope. The
 * first is a server that cannot do this at all: `unsupported`.
 */
async function loraRoute(call: () => Promise<string>): Promise<string> {
  try {
    return await call();
  } catch (error) {
    if (
      error instanceof SwitchyardError &&
      error.code === 'not_found' &&
      error.details?.['backend_message'] === 'Not Found'
    ) {
      throw new SwitchyardError(
        'unsupported',
        'this vLLM server does not allow runtime LoRA updates (start it with VLLM_ALLOW_RUNTIME_LORA_UPDATING=True)',
        { cause: error },
      );
    }
    throw error;
  }
}
