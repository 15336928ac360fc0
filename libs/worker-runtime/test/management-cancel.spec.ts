import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SwitchyardError } from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS, waitFor } from '@switchyard/testing';
import { ManagementBed, nextId, rejectionOf } from './management-harness.js';

// Management commands are cancelled the way inference is: the caller's abort and the request's
// deadline reach the operation's signal at once, and a load heartbeats `loading` meanwhile.
describe('cancelling a management command', () => {
  let bed: ManagementBed;
  const aborts: SwitchyardError[] = [];

  beforeAll(async () => {
    bed = await ManagementBed.start({
      heartbeatIntervalMs: 50,
      management: {
        // A load that never finishes by itself, like a model too big for the machine.
        load: (_endpoint, _request, signal) =>
          new Promise((_resolve, reject) =>
            signal.addEventListener('abort', () => {
              aborts.push(signal.reason as SwitchyardError);
              reject(signal.reason as Error);
            }),
          ),
      },
    });
  });
  afterAll(() => bed.close());

  it('heartbeats loading, and the caller leaving aborts the backend call', async () => {
    const subject = bed.subjects.management(bed.backendId, 'load');
    const phases: (string | undefined)[] = [];
    const request = { id: nextId(), timeout_ms: 5_000, model: 'huge-model' };
    for await (const frame of bed.client.stream(subject, request)) {
      if (frame.type === 'heartbeat') phases.push(frame.phase);
      if (phases.length === 2) break;
    }
    expect(phases).toEqual(['loading', 'loading']);
    await waitForAborts(1);
    expect(aborts[0]?.code).toBe('cancelled');
  });

  it("ends with timeout when the command's own deadline passes", async () => {
    const startedAt = Date.now();
    const request = { id: nextId(), timeout_ms: 300, model: 'huge-model' };
    const subject = bed.subjects.management(bed.backendId, 'load');
    const error = await rejectionOf(
      bed.client.collect(subject, request, { timeoutMs: 5_000 + 2 * SCHEDULING_SLACK_MS }),
    );
    expect(error.code).toBe('timeout');
    // The command's 300 ms, not the caller's own (longer) timeout, ended it.
    expect(Date.now() - startedAt).toBeLessThan(300 + SCHEDULING_SLACK_MS);
    await waitForAborts(2);
    expect(aborts[1]?.code).toBe('timeout');
  });

  async function waitForAborts(count: number): Promise<void> {
    await waitFor(() => aborts.length >= count, {
      timeoutMs: 2_000 + SCHEDULING_SLACK_MS,
      intervalMs: 10,
      description: `${count} aborted backend call(s)`,
    });
  }
});
