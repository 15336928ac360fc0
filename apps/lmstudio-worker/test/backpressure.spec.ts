import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { SwitchyardError } from '@switchyard/contracts';
import { chatRequest, plainMessages, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { MODELS, startLmStudioTestbed, type LmStudioTestbed } from './support/lmstudio-testbed.js';

const LIMIT = 2;
const QUEUE = 3;
const FLOOD = 16;

describe('a flood of requests to a slow LM Studio backend', () => {
  let bed: LmStudioTestbed;

  beforeAll(async () => {
    // The backend itself would take 8 at once; the worker's limit is what must hold.
    bed = await startLmStudioTestbed({
      backends: [{ tokensPerSecond: 20, answerTokens: 8, maxConcurrency: 8 }],
      worker: {
        maxConcurrency: LIMIT,
        queueSize: QUEUE,
        queueTimeoutMs: 5_000 + SCHEDULING_SLACK_MS,
      },
    });
  });

  afterAll(async () => {
    await bed?.close();
  });

  it('never sends the backend more than the limit, and answers or refuses every request', async () => {
    const started = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: FLOOD }, async (_v, i) => {
        const request = chatRequest(MODELS.chat, `Request ${i}`);
        const result = await bed.client
          .collect(bed.subjects.chat(MODELS.chat), request, {
            timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
          })
          .catch((error: unknown) => error);
        if (result instanceof SwitchyardError) {
          expect(result).toMatchObject({ code: 'overloaded', retryable: true });
          return 'overloaded';
        }
        const plan = expectedCompletion({
          model: MODELS.chat,
          messages: plainMessages(request.messages),
          answerTokens: 8,
        });
        expect(result).toMatchObject({ text: plan.text });
        return 'answered';
      }),
    );
    const elapsedMs = performance.now() - started;

    const answered = outcomes.filter((outcome) => outcome === 'answered').length;
    const peak = bed.backend.stats().maxActive;
    console.log(`LM Studio flood: ${answered} of ${FLOOD} answered in ${elapsedMs.toFixed(0)} ms`);
    console.log(`LM Studio flood: the backend saw at most ${peak} at once (limit ${LIMIT})`);
    // The slots and the queue places are served; everything beyond is refused at once.
    expect(answered).toBe(LIMIT + QUEUE);
    expect(bed.backend.stats()).toMatchObject({ maxActive: LIMIT, completed: LIMIT + QUEUE });
    expect(bed.worker.limiterOf({ id: 'lmstudio-0', url: bed.backend.url }).peakConcurrency).toBe(
      LIMIT,
    );
  });

  it('refuses with overloaded when a queued request outwaits the queue timeout', async () => {
    const impatient = await bed.startWorker(bed.backends, {
      maxConcurrency: 1,
      queueSize: 4,
      queueTimeoutMs: 100,
    });
    await bed.workers[0]?.stop({ graceMs: 0 });
    const outcomes = await Promise.all(
      [1, 2].map((i) =>
        bed.client
          .collect(bed.subjects.chat(MODELS.chat), chatRequest(MODELS.chat, `Wait ${i}`), {
            timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
          })
          .then(
            () => 'answered',
            (error: SwitchyardError) => error.code,
          ),
      ),
    );

    expect(outcomes.sort()).toEqual(['answered', 'overloaded']);
    expect(impatient.limiterOf({ id: 'lmstudio-0', url: bed.backend.url }).active).toBe(0);
  });
});
