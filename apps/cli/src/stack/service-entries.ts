import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The services `switchyard up` runs, by package name. */
export const SERVICE_PACKAGES = {
  gateway: '@switchyard/gateway',
  discovery: '@switchyard/discovery',
  orchestrator: '@switchyard/orchestrator',
  'ollama-worker': '@switchyard/ollama-worker',
  'lmstudio-worker': '@switchyard/lmstudio-worker',
  'vllm-worker': '@switchyard/vllm-worker',
  sim: '@switchyard/backend-sim',
} as const;

export type ServiceName = keyof typeof SERVICE_PACKAGES;

/** The built entry (the package's only `bin`) of a service. */
export function serviceEntry(service: ServiceName): string {
  const manifestPath = require.resolve(`${SERVICE_PACKAGES[service]}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    bin?: Record<string, string>;
  };
  const bin = Object.values(manifest.bin ?? {})[0];
  if (bin === undefined) throw new Error(`${SERVICE_PACKAGES[service]} declares no bin`);
  return join(dirname(manifestPath), bin);
}
