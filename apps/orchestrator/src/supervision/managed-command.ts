import type { BackendConfig } from '@switchyard/contracts';
import type { ProgramSpec } from './managed-process.js';
import { portOf } from './port-check.js';

/**
 * The program a managed backend runs: its configured `command`, else the kind's usual server
 * command on the backend's host and port. Everything comes from the configuration; nothing a
 * message says reaches a command line. The configuration schema refuses a managed backend whose
 * command cannot be worked out (an LM Studio without `command`, a vLLM without `models`), so
 * every managed backend that gets here has one.
 */
export function managedCommandOf(backend: BackendConfig): ProgramSpec {
  if (backend.command !== undefined) return backend.command;
  const { host, port } = portOf(backend.url);
  switch (backend.kind) {
    case 'ollama':
      return { program: 'ollama', args: ['serve'], env: { OLLAMA_HOST: `${host}:${port}` } };
    case 'vllm':
      return {
        program: 'vllm',
        args: ['serve', servedModel(backend), '--host', host, '--port', String(port)],
        env: {},
      };
    case 'lmstudio':
      throw new Error(`${backend.id}: a managed LM Studio backend has no default command`);
  }
}

function servedModel(backend: BackendConfig): string {
  const model = backend.models[0];
  if (model === undefined) throw new Error(`${backend.id}: a managed vLLM backend has no models`);
  return model;
}
