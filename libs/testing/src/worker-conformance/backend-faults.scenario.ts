import { SCHEDULING_SLACK_MS } from '../scheduling-slack.js';
import { SwitchyardError, type ErrorCode } from '@switchyard/contracts';
import { chatRequest } from '../requests.js';
import { waitFor } from '../wait-for.js';
import type { BackendFaults, SimulatedBackend, WorkerKindProfile } from './conformance-profile.js';
import { jestApi } from './jest-api.js';
import { useTestbed } from './use-testbed.js';

const QUESTION = 'Why is the sky blue?';

/**
 * A backend that fails in each way a real one does: every failure is a catalogued, retryable
 * error frame (never a hang), and the worker goes on serving.
 */
export function describeBackendFaults(profile: WorkerKindProfile): void {
  const { describe, it, expect } = jestApi();
  const { models, oracle, quirks } = profile;
  const answer = oracle.completion({
    model: models.chat,
    messages: [{ role: 'user', content: QUESTION }],
  });
  const firstTokens = (n: number) => answer.pieces.slice(0, n).join('');

  describe(`a ${profile.name} backend that fails`, () => {
    // No refresh during the file: a backend that went away stays listed, so requests reach it.
    const bed = useTestbed(profile, { backends: [{}], worker: { refreshIntervalMs: 60_000 } });

    /** Streams one chat request: the text that arrived and how it ended. */
    async function ask(
      timeoutMs = 10_000 + SCHEDULING_SLACK_MS,
    ): Promise<{ text: string; error?: SwitchyardError }> {
      const { client, subjects } = bed();
      let text = '';
      try {
        for await (const frame of client.stream(
          subjects.chat(models.chat),
          chatRequest(models.chat, QUESTION, { timeout_ms: timeoutMs }),
        )) {
          if (frame.type === 'delta') text += frame.text ?? '';
        }
        return { text };
      } catch (error) {
        return { text, error: error as SwitchyardError };
      }
    }

    it.each<[string, BackendFaults, { code: ErrorCode; text: string }]>([
      ['answers 500', { errorRate: 1, errorStatus: 500 }, { code: 'backend_error', text: '' }],
      ['answers 503', { errorRate: 1, errorStatus: 503 }, { code: quirks.codeFor503, text: '' }],
      [
        'resets mid-stream',
        { dropAfterTokens: 3 },
        { code: 'backend_error', text: firstTokens(3) },
      ],
      [
        'sends a malformed chunk',
        { malformedAfterTokens: 2 },
        { code: 'backend_error', text: firstTokens(2) },
      ],
      [
        'fails inside the stream',
        { errorAfterTokens: 4 },
        { code: 'backend_error', text: firstTokens(4) },
      ],
    ])(
      'ends in a retryable error frame when it %s, then serves again',
      async (_how, faults, expected) => {
        const { backend, worker } = bed();
        backend.setFaults(faults);
        const failed = await ask();
        backend.clearFaults();

        expect(failed.error).toBeInstanceOf(SwitchyardError);
        expect(failed.error).toMatchObject({ code: expected.code, retryable: true });
        expect(failed.text).toBe(expected.text);
        // The failed request gave its slot back, and the worker goes on serving.
        expect(worker.limiterOf({ id: bed().endpointId(backend), url: backend.url }).active).toBe(
          0,
        );
        expect(await ask()).toEqual({ text: answer.text });
      },
    );

    it('times out, and stops the backend, when it hangs', async () => {
      const { backend } = bed();
      backend.setFaults({ hangMs: -1 });
      const before = backend.stats().aborted;
      const hung = await ask(300);
      backend.clearFaults();

      expect(hung.error).toMatchObject({ code: 'timeout', retryable: true });
      await waitFor(() => backend.stats().aborted === before + 1, {
        description: 'the backend to see the request aborted',
      });
      expect(await ask()).toEqual({ text: answer.text });
    });

    it('reports a refused connection as backend_unavailable, and serves once it is back', async () => {
      const { backend } = bed();
      await backend.close();

      const refused = await ask();
      expect(refused.error).toMatchObject({ code: 'backend_unavailable', retryable: true });
      expect(refused.error?.details).toMatchObject({ network_code: 'ECONNREFUSED' });

      await bed().startBackend({ port: backend.port });
      expect(await ask()).toEqual({ text: answer.text });
    });
  });

  describe(`two ${profile.name} backends of the same model behind one worker, one going away`, () => {
    // No refresh during the file: only what requests find can tell the worker.
    const bed = useTestbed(profile, { backends: [{}, {}], worker: { refreshIntervalMs: 60_000 } });

    /** One chat request: the backend its start frame names, or the error it ended with. */
    async function answeredBy(): Promise<{ backend?: string; text?: string; error?: unknown }> {
      const { client, subjects } = bed();
      try {
        const result = await client.collect(
          subjects.chat(models.chat),
          chatRequest(models.chat, QUESTION),
          { timeoutMs: 10_000 + SCHEDULING_SLACK_MS },
        );
        return { backend: result.start.backend, text: result.text };
      } catch (error) {
        return { error };
      }
    }

    it('fails the request that finds it gone, sends the next ones to the other, and the first again once it lists', async () => {
      const { backends, worker } = bed();
      const [first, second] = backends as [SimulatedBackend, SimulatedBackend];
      const [firstId, secondId] = [bed().endpointId(first), bed().endpointId(second)];
      // Configuration order: the first backend takes the requests while it has a free slot.
      expect(await answeredBy()).toEqual({ backend: firstId, text: answer.text });

      await first.close();
      const refused = await answeredBy();
      expect(refused.error).toMatchObject({ code: 'backend_unavailable', retryable: true });

      for (let request = 0; request < 3; request++) {
        expect(await answeredBy()).toEqual({ backend: secondId, text: answer.text });
      }

      // The same address again: the worker's endpoint for it, once a listing finds it answering.
      await bed().startBackend({ port: first.port });
      await worker.refresh();
      expect(await answeredBy()).toEqual({ backend: firstId, text: answer.text });
    });
  });
}
