import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion } from '@switchyard/backend-sim';
import { chatRequest, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { MODELS, startLmStudioTestbed, type LmStudioTestbed } from './support/lmstudio-testbed.js';

const QUESTION = 'Tell me a story.';

describe('LM Studio options passed through the worker', () => {
  let bed: LmStudioTestbed;

  beforeAll(async () => {
    bed = await startLmStudioTestbed();
  });

  afterAll(async () => {
    await bed?.close();
  });

  function collect(options: Record<string, unknown>) {
    return bed.client.collect(
      bed.subjects.chat(MODELS.chat),
      chatRequest(MODELS.chat, QUESTION, { options: { lmstudio: options } }),
      { timeoutMs: 10_000 + SCHEDULING_SLACK_MS },
    );
  }

  it('merges options.lmstudio over the body: ttl reaches LM Studio’s JIT loader', async () => {
    const ttlSeconds = 3_600;
    const before = Date.now();

    await collect({ ttl: ttlSeconds, max_tokens: 3 });

    // The simulator keeps a JIT-loaded model for the request's ttl, as LM Studio does.
    const listing = (await (await fetch(`${bed.backend.url}/_sim/models`)).json()) as {
      models: { name: string; expiresAt: string | null }[];
    };
    const expiresAt = Date.parse(
      listing.models.find((model) => model.name === MODELS.chat)?.expiresAt ?? '',
    );
    expect(expiresAt).toBeGreaterThanOrEqual(before + ttlSeconds * 1000);
    expect(expiresAt).toBeLessThan(Date.now() + ttlSeconds * 1000 + 1_000);
  });

  it('sends sampling fields the canonical request lacks, and keeps the ones that must stay', async () => {
    const plan = expectedCompletion({
      model: MODELS.chat,
      messages: [{ role: 'user', content: QUESTION }],
      maxTokens: 3,
    });

    // `stream: false` would break the worker's reading; passthrough cannot change it.
    const result = await collect({ max_tokens: 3, stream: false, model: 'another-model' });

    expect(result.text).toBe(plan.pieces.join(''));
    expect(result.end).toMatchObject({ finish_reason: 'length', model: MODELS.chat });
  });
});
