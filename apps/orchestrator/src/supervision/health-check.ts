import type { BackendKind } from '@switchyard/contracts';

/**
 * The cheapest request each kind answers once it can serve: Ollama's version, LM Studio's model
 * list (its server has no health route), vLLM's `/health` (200 only after the model loaded).
 */
export const HEALTH_PATHS: Record<BackendKind, string> = {
  ollama: '/api/version',
  lmstudio: '/v1/models',
  vllm: '/health',
};

/** A single health check never waits longer than this. */
const CHECK_TIMEOUT_MS = 2_000;

export type HealthResult = { ok: true } | { ok: false; reason: string; refused: boolean };

/** One health request to a backend: 2xx is healthy; anything else says why not. */
export async function checkHealth(kind: BackendKind, url: string): Promise<HealthResult> {
  try {
    const response = await fetch(new URL(HEALTH_PATHS[kind], url), {
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
      redirect: 'manual',
    });
    await response.body?.cancel();
    return response.ok
      ? { ok: true }
      : { ok: false, reason: `HTTP ${response.status}`, refused: false };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    const refused = cause?.code === 'ECONNREFUSED';
    return {
      ok: false,
      reason: refused ? 'connection refused' : (error as Error).message,
      refused,
    };
  }
}
