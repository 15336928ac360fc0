import { SCHEDULING_SLACK_MS } from '../scheduling-slack.js';
import { assembleDeltas, float32FromBase64 } from '../frame-assembly.js';
import { chatRequest, completionRequest, embeddingRequest, plainMessages } from '../requests.js';
import type { CallerFrame, PlannedAnswer, WorkerKindProfile } from './conformance-profile.js';
import { jestApi } from './jest-api.js';
import { useTestbed } from './use-testbed.js';

/** Chat, completion and embeddings, streamed and collected, exactly as the backend answered. */
export function describeOperations(profile: WorkerKindProfile): void {
  const { describe, it, expect } = jestApi();
  const { kind, models, oracle, quirks } = profile;
  const usageOf = (plan: PlannedAnswer) => ({
    prompt_tokens: quirks.streamsPromptTokens ? plan.promptTokens : 0,
    completion_tokens: plan.completionTokens,
  });

  describe(`the ${profile.name} worker answers every operation as the backend generated it`, () => {
    const bed = useTestbed(profile);

    it('streams a chat answer as the backend produced it, then the end with its usage', async () => {
      const { client, subjects } = bed();
      const request = chatRequest(models.chat, 'Why is the sky blue?');
      const plan = oracle.completion({
        model: models.chat,
        messages: plainMessages(request.messages),
      });

      const frames: CallerFrame[] = [];
      for await (const frame of client.stream(subjects.chat(models.chat), request, {
        timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      })) {
        frames.push(frame);
      }

      expect(frames[0]).toEqual({
        type: 'start',
        seq: 0,
        request_id: request.id,
        worker: `${kind}-test-1`,
        kind,
        backend: `${kind}-0`,
        cancel: subjects.cancel(request.id),
      });
      // This backend answers at once, so its tokens may travel joined: the text is what counts.
      const deltas = frames.filter((frame) => frame.type === 'delta');
      expect(deltas.map((delta) => delta.text).join('')).toBe(plan.pieces.join(''));
      expect(deltas.every((delta) => (delta.text ?? '').length > 0)).toBe(true);
      expect(frames.at(-1)).toMatchObject({
        type: 'end',
        finish_reason: 'stop',
        usage: usageOf(plan),
        model: models.chat,
      });
    });

    it('collects a whole chat answer, cut at max_tokens', async () => {
      const { client, subjects } = bed();
      const request = chatRequest(models.chat, 'Name three colours.', { max_tokens: 5 });
      const plan = oracle.completion({
        model: models.chat,
        messages: plainMessages(request.messages),
        maxTokens: 5,
      });

      const result = await client.collect(subjects.chat(models.chat), request, {
        timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      });

      expect(result.text).toBe(plan.text);
      expect(result.end).toMatchObject({ finish_reason: 'length', usage: usageOf(plan) });
    });

    it('completes a prompt, streamed and collected alike', async () => {
      const { client, subjects } = bed();
      const prompt = 'Once upon a time';
      const plan = oracle.completion({ model: models.chat, prompt });
      const subject = subjects.complete(models.chat);

      const streamed: string[] = [];
      for await (const frame of client.stream(subject, completionRequest(models.chat, prompt), {
        timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      })) {
        if (frame.type === 'delta') streamed.push(frame.text ?? '');
      }
      const result = await client.collect(subject, completionRequest(models.chat, prompt), {
        timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      });

      expect(streamed.join('')).toBe(plan.pieces.join(''));
      expect(result.text).toBe(plan.text);
      expect(result.end.usage).toEqual(usageOf(plan));
    });

    it('embeds several inputs, each vector at its index', async () => {
      const { client, subjects } = bed();
      const input = ['the first text', 'a second, longer text', 'third'];

      const result = await client.collect(
        subjects.embed(models.embed),
        embeddingRequest(models.embed, input),
        { timeoutMs: 10_000 + SCHEDULING_SLACK_MS },
      );

      const vectors = assembleDeltas(result.deltas).embeddings.map(float32FromBase64);
      expect(vectors).toEqual(input.map((text) => oracle.embedding({ model: models.embed, text })));
      expect(result.end.usage).toEqual({
        prompt_tokens: input.reduce((sum, text) => sum + oracle.countTokens(text), 0),
        completion_tokens: 0,
      });
    });
  });

  describe(`the ${profile.name} worker, with a batch whose answer it cannot read at once`, () => {
    // The backend answers a batch as one JSON body, which the worker reads whole up to a bound
    // (64 MiB; 4 MiB here, so that a small model's batch stands for a big model's): 2048 inputs of
    // 384 numbers are some 15 MB, as 2048 inputs of a 4096-dimension model are past 64 MiB.
    const bed = useTestbed(profile, { worker: { maxResponseBytes: 4 * 1024 * 1024 } });

    it('embeds it whole, every vector at its input index, the prompt tokens summed', async () => {
      const { client, subjects } = bed();
      const input = Array.from({ length: 2048 }, (_, i) => `passage ${i} of the handbook`);

      const result = await client.collect(
        subjects.embed(models.embed),
        embeddingRequest(models.embed, input),
        { timeoutMs: 60_000 + SCHEDULING_SLACK_MS },
      );

      const vectors = assembleDeltas(result.deltas).embeddings.map(float32FromBase64);
      expect(vectors).toEqual(input.map((text) => oracle.embedding({ model: models.embed, text })));
      expect(result.end).toMatchObject({
        finish_reason: 'stop',
        usage: {
          prompt_tokens: input.reduce((sum, text) => sum + oracle.countTokens(text), 0),
          completion_tokens: 0,
        },
      });
      // The backend's time over its calls, where its answer gives it (Ollama's `total_duration`).
      if (quirks.embeddingTimingsSource === 'backend') {
        expect(result.end.timings).toMatchObject({
          source: 'backend',
          total_ms: expect.any(Number),
          load_ms: expect.any(Number),
        });
      } else {
        expect(result.end.timings).toMatchObject({ source: 'worker' });
      }
    }, 60_000);
  });

  describe(`the ${profile.name} worker, with a backend that generates over time`, () => {
    // 50 tokens per second: the tokens reach the worker in reads of their own.
    const bed = useTestbed(profile, { backends: [{ tokensPerSecond: 50 }] });

    it('streams the answer as it comes, each delta the next tokens in order', async () => {
      const { client, subjects } = bed();
      const request = chatRequest(models.chat, 'Why is the sky blue?');
      const plan = oracle.completion({
        model: models.chat,
        messages: plainMessages(request.messages),
      });
      const deltas: string[] = [];
      for await (const frame of client.stream(subjects.chat(models.chat), request, {
        timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      })) {
        if (frame.type === 'delta') deltas.push(frame.text ?? '');
      }
      // Each delta is a run of consecutive tokens: together, exactly the answer's pieces.
      let next = 0;
      for (const delta of deltas) {
        let joined = '';
        while (joined.length < delta.length && next < plan.pieces.length) {
          joined += plan.pieces[next++];
        }
        expect(joined).toBe(delta);
      }
      expect(next).toBe(plan.pieces.length);
      // Streamed, not gathered: a worker that waited for the end would send one delta.
      expect(deltas.length).toBeGreaterThan(1);
    });
  });
}
