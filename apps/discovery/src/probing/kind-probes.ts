import type { BackendKind } from '@switchyard/contracts';
import type { KindProbe } from './kind-probe.js';
import { lmstudioProbe } from './lmstudio.probe.js';
import { ollamaProbe } from './ollama.probe.js';
import { vllmProbe } from './vllm.probe.js';

export const KIND_PROBES: Record<BackendKind, KindProbe> = {
  ollama: ollamaProbe,
  lmstudio: lmstudioProbe,
  vllm: vllmProbe,
};
