import { SCHEDULING_SLACK_MS } from '../scheduling-slack.js';
import { SwitchyardError } from '@switchyard/contracts';
import { RawReplies } from '../raw-replies.js';
import { chatRequest } from '../requests.js';
import { waitFor } from '../wait-for.js';
import type { CallerFrame, WorkerKindProfile } from './conformance-profile.js';
import { jestApi } from './jest-api.js';
import { useTestbed } from './use-testbed.js';

/**
 * A caller that gives up mid-stream: the backend stops generating, and nothing reaches the
 * caller after the cancel, not even (at the NATS level) after the worker's terminal frame.
 */
export function describeCancellation(profile: WorkerKindProfile): void {
  const { describe, it, expect } = jestApi();
  const { models } = profile;

  describe(`cancelling a ${profile.name} answer mid-stream`, () => {
    const bed = useTestbed(profile, { backends: [{ tokensPerSecond: 50, answerTokens: 200 }] });

    async function abortCount(before: number): Promise<void> {
      await waitFor(() => bed().backend.stats().aborted === before + 1, {
        timeoutMs: 2_000 + SCHEDULING_SLACK_MS,
        intervalMs: 2,
        description: 'the backend to see the request aborted',
      });
    }

    it('stops the backend, and the caller sees nothing after its cancel', async () => {
      const { backend, client, subjects } = bed();
      const controller = new AbortController();
      const before = backend.stats().aborted;
      const afterCancel: CallerFrame[] = [];
      let cancelledAt = 0;
      const error = await (async () => {
        for await (const frame of client.stream(
          subjects.chat(models.chat),
          chatRequest(models.chat, 'Tell me a long story.'),
          { timeoutMs: 10_000 + SCHEDULING_SLACK_MS, signal: controller.signal },
        )) {
          if (cancelledAt > 0) afterCancel.push(frame);
          if (frame.type === 'delta' && cancelledAt === 0) {
            cancelledAt = performance.now();
            controller.abort();
          }
        }
      })().catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(SwitchyardError);
      expect(error).toMatchObject({ code: 'cancelled' });
      expect(afterCancel).toEqual([]);
      await abortCount(before);
      const latencyMs = performance.now() - cancelledAt;
      console.log(`${profile.name}: cancel to backend abort in ${latencyMs.toFixed(1)} ms`);
      expect(backend.stats().active).toBe(0);
    });

    it('ends the stream with one cancelled error frame and sends nothing after it', async () => {
      const { backend, callerNc, subjects } = bed();
      const request = chatRequest(models.chat, 'Tell me another long story.');
      const before = backend.stats().aborted;
      const replies = RawReplies.send(
        callerNc,
        subjects.chat(models.chat),
        JSON.stringify(request),
      );
      await replies.waitForFrames('delta', 3);
      replies.cancel(subjects.cancel(request.id), request.id);

      // Long enough for several tokens and heartbeats, had any been sent.
      const frames = await replies.settle(500);

      expect(frames.map((frame) => frame.seq)).toEqual(frames.map((_frame, index) => index));
      expect(frames[0]?.type).toBe('start');
      const terminal = frames.filter((frame) => frame.type === 'end' || frame.type === 'error');
      expect(terminal).toHaveLength(1);
      expect(frames.at(-1)).toMatchObject({ type: 'error', error: { code: 'cancelled' } });
      await abortCount(before);
    });
  });
}
