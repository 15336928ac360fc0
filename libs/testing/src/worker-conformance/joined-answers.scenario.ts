import type { ChatRequest, CompletionRequest, ToolDefinition } from '@switchyard/contracts';
import { SCHEDULING_SLACK_MS } from '../scheduling-slack.js';
import { assembleDeltas } from '../frame-assembly.js';
import { chatRequest, completionRequest, plainMessages } from '../requests.js';
import type { CallerFrame, WorkerKindProfile } from './conformance-profile.js';
import { jestApi } from './jest-api.js';
import { useTestbed } from './use-testbed.js';

// Paced, so that a streamed answer reaches the worker token by token, several reads apart.
const TOKENS_PER_SECOND = 50;
const ANSWER_TOKENS = 6;

const weather: ToolDefinition = {
  name: 'get_weather',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/**
 * `stream: false`: the worker asks the backend for the whole answer and sends it as one delta,
 * with the same text, tool calls, finish reason and usage a stream would have had.
 */
export function describeJoinedAnswers(profile: WorkerKindProfile): void {
  const { describe, it, expect } = jestApi();
  const { models, oracle, quirks } = profile;

  describe(`non-streamed answers through the ${profile.name} worker`, () => {
    const bed = useTestbed(profile, {
      backends: [{ tokensPerSecond: TOKENS_PER_SECOND, answerTokens: ANSWER_TOKENS }],
    });

    async function framesOf(
      subject: string,
      request: ChatRequest | CompletionRequest,
    ): Promise<CallerFrame[]> {
      const frames: CallerFrame[] = [];
      for await (const frame of bed().client.stream(subject, request, {
        timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      })) {
        if (frame.type !== 'heartbeat') frames.push(frame);
      }
      return frames;
    }

    it('streams a paced answer in several deltas (what the cases below must not see)', async () => {
      const request = chatRequest(models.chat, 'Why is the sky blue?');
      const frames = await framesOf(bed().subjects.chat(models.chat), request);
      expect(frames.filter((frame) => frame.type === 'delta').length).toBeGreaterThan(1);
    });

    it('sends a chat answer asked for with stream: false as one delta, then the end', async () => {
      const request = chatRequest(models.chat, 'Why is the sky blue?', { stream: false });
      const plan = oracle.completion({
        model: models.chat,
        messages: plainMessages(request.messages),
        answerTokens: ANSWER_TOKENS,
      });

      const frames = await framesOf(bed().subjects.chat(models.chat), request);

      expect(frames.map((frame) => frame.type)).toEqual(['start', 'delta', 'end']);
      expect(frames[1]).toMatchObject({ type: 'delta', text: plan.text });
      expect(frames[2]).toMatchObject({
        type: 'end',
        finish_reason: 'stop',
        // A whole answer reports its usage, prompt included, on every kind.
        usage: { prompt_tokens: plan.promptTokens, completion_tokens: plan.completionTokens },
        timings: { source: quirks.joinedTimingsSource },
      });
    });

    it('sends a completion asked for with stream: false as one delta', async () => {
      const prompt = 'Once upon a time';
      const plan = oracle.completion({ model: models.chat, prompt, answerTokens: ANSWER_TOKENS });
      const request = completionRequest(models.chat, prompt, { stream: false });

      const frames = await framesOf(bed().subjects.complete(models.chat), request);

      expect(frames.map((frame) => frame.type)).toEqual(['start', 'delta', 'end']);
      expect(frames[1]).toMatchObject({ type: 'delta', text: plan.text });
      expect(frames[2]).toMatchObject({
        finish_reason: 'stop',
        usage: { completion_tokens: plan.completionTokens },
      });
    });

    it('carries a tool call whole: id, name and arguments, finished as tool_calls', async () => {
      const request = chatRequest(models.chat, 'Call get_weather for Paris', {
        tools: [weather],
        stream: false,
      });
      const plan = oracle.completion({
        model: models.chat,
        messages: plainMessages(request.messages),
        tools: [{ type: 'function', function: weather }],
        answerTokens: ANSWER_TOKENS,
      });
      const [planned] = plan.toolCalls;
      if (planned === undefined) throw new Error('the simulator should plan a tool call');

      const frames = await framesOf(bed().subjects.chat(models.chat), request);

      const deltas = frames.filter((frame) => frame.type === 'delta');
      const id = quirks.toolCallId(planned);
      expect(assembleDeltas(deltas).tool_calls).toEqual([
        {
          id: typeof id === 'string' ? id : expect.stringMatching(id),
          name: weather.name,
          arguments: planned.argumentsJson,
        },
      ]);
      expect(frames.at(-1)).toMatchObject({ type: 'end', finish_reason: 'tool_calls' });
    });
  });
}
