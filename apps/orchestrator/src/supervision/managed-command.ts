import { InvalidConfigError, type BackendConfig } from '@switchyard/contracts';
import type { ProgramSpec } from './managed-process.js';
import { portOf } from './port-check.js';

/**
 * The program a managed backend runs: its configured `command`, else the kind's usual server
 * command on the backend's host and port. Everything comes from the configuration; nothing a
 * message says reaches a command line.
 */
export function managedCommandOf(backend: BackendConfig): ProgramSpec {
  if (backend.command !== undefined) return backend.command;
  const { host, port } = portOf(backend.url);
  switch (backend.kind) {
    case 'ollama':
      return { program: 'ollama', args: ['serve'], env: { OLLAMA_HOST: `${host}:${port}` } };
    case 'vllm': {
      const model = backend.models[0];
      if (model === undefined) {
        throw invalid(
          backend,
          'a managed vLLM backend needs `models` (its first is served) or a `command`',
        );
      }
      return {
        program: 'vllm',
        args: ['serve', model, '--host', host, '--port', String(port)],
        env: {},
      };
    }
    case 'lmstudio':
      // `lms server start` hands the server to the LM Studio app and exits at once, so there is
      // no process to supervise: LM Studio is `monitored`, or runs a command given here.
      throw invalid(
        backend,
        'a managed LM Studio backend needs a `command` that stays in the foreground; ' +
          'use mode "monitored" for an LM Studio app started with `lms server start`',
      );
  }
}

function invalid(backend: BackendConfig, problem: string): InvalidConfigError {
  return new InvalidConfigError([`backends[id=${backend.id}]: ${problem}`], 'orchestrator');
}
