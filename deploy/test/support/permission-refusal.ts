import type { NatsConnection } from '@switchyard/nats';
import { waitFor } from '@switchyard/testing';

/** A permission violation as nats.js reports it in a connection's status stream. */
interface Refusal {
  operation: string;
  subject: string;
}

const refusalsByConnection = new WeakMap<NatsConnection, Refusal[]>();

/** The permission violations the server has reported on `nc` since the first call. */
function refusalsOf(nc: NatsConnection): Refusal[] {
  let refusals = refusalsByConnection.get(nc);
  if (refusals === undefined) {
    const seen: Refusal[] = [];
    refusals = seen;
    refusalsByConnection.set(nc, seen);
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type !== 'error') continue;
        const error = status.error as Error & Partial<Refusal>;
        if (error.name === 'PermissionViolationError' && error.subject !== undefined) {
          seen.push({ operation: error.operation ?? '', subject: error.subject });
        }
      }
    })();
  }
  return refusals;
}

/**
 * Publishes to or subscribes to `subject` and resolves once the server refuses it with a
 * permissions violation; rejects (after a bounded wait) when it does not.
 */
export async function expectRefused(
  nc: NatsConnection,
  action: 'publish' | 'subscribe',
  subject: string,
): Promise<void> {
  const refusals = refusalsOf(nc);
  const operation = action === 'subscribe' ? 'subscription' : 'publish';
  if (action === 'subscribe') nc.subscribe(subject);
  else nc.publish(subject, '{}');
  await nc.flush();
  await waitFor(
    () =>
      refusals.some((refusal) => refusal.operation === operation && refusal.subject === subject),
    { timeoutMs: 5_000, description: `the server to refuse ${action} on ${subject}` },
  );
}
