import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SwitchyardError, type Subjects } from '@switchyard/contracts';
import { chatRequest, embeddingRequest, SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { MODELS, startLmStudioTestbed, type LmStudioTestbed } from './support/lmstudio-testbed.js';

describe('a request for a model no LM Studio worker serves', () => {
  let bed: LmStudioTestbed;

  beforeAll(async () => {
    bed = await startLmStudioTestbed();
  });

  afterAll(async () => {
    await bed?.close();
  });

  it.each([
    [
      'an unknown model',
      (subjects: Subjects) => subjects.chat('gpt-9'),
      chatRequest('gpt-9', 'Hi'),
    ],
    [
      'a served model pinned to another kind',
      (subjects: Subjects) => subjects.chat(MODELS.chat, 'vllm'),
      chatRequest(MODELS.chat, 'Hi'),
    ],
    [
      'a served model’s name in other letters',
      (subjects: Subjects) => subjects.embed(MODELS.embed.toUpperCase()),
      embeddingRequest(MODELS.embed.toUpperCase(), ['x']),
    ],
    // Model names are encoded, so a wildcard in one reaches no other model's subject.
    ['a wildcard for a name', (subjects: Subjects) => subjects.chat('>'), chatRequest('>', 'Hi')],
  ] as const)('fails at once with no_responders: %s', async (_what, subjectOf, request) => {
    const started = performance.now();
    const error = await bed.client
      .collect(subjectOf(bed.subjects), request, { timeoutMs: 10_000 + SCHEDULING_SLACK_MS })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SwitchyardError);
    expect(error).toMatchObject({ code: 'no_responders', retryable: true });
    expect(performance.now() - started).toBeLessThan(1_000 + SCHEDULING_SLACK_MS);
  });
});
