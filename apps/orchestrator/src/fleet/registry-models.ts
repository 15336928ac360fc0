import { modelNames, registrySnapshotSchema, type Subjects } from '@switchyard/contracts';
import type { NatsConnection } from '@switchyard/nats';

const SNAPSHOT_TIMEOUT_MS = 1_000;

/**
 * The models discovery lists for each backend id (names and aliases), from one registry snapshot.
 * Empty when no discovery answers: the configured model lists are all there is then.
 */
export async function registryModels(
  nc: NatsConnection,
  subjects: Subjects,
): Promise<Map<string, string[]>> {
  const byBackend = new Map<string, string[]>();
  try {
    const reply = await nc.request(subjects.discoverySnapshot, '', {
      timeout: SNAPSHOT_TIMEOUT_MS,
    });
    const snapshot = registrySnapshotSchema.parse(reply.json());
    for (const entry of snapshot.backends) {
      byBackend.set(entry.id, entry.models.flatMap(modelNames));
    }
  } catch {
    // No discovery running, or an answer from another version: configured lists only.
  }
  return byBackend;
}
