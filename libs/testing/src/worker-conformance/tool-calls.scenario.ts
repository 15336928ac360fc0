import { SCHEDULING_SLACK_MS } from '../scheduling-slack.js';
import type { ToolDefinition } from '@switchyard/contracts';
import { assembleDeltas } from '../frame-assembly.js';
import { chatRequest, plainMessages } from '../requests.js';
import type { WorkerKindProfile } from './conformance-profile.js';
import { jestApi } from './jest-api.js';
import { useTestbed } from './use-testbed.js';

const weather: ToolDefinition = {
  name: 'get_weather',
  description: 'The current weather in a city',
  parameters: {
    type: 'object',
    properties: {
      city: { type: 'string' },
      unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
      days: { type: 'integer' },
    },
    required: ['city'],
  },
};
/** The tool as the backend is offered it. */
const offered = [
  { type: 'function', function: { name: weather.name, parameters: weather.parameters } },
];

/** A tool call streamed as fragments that assemble into the backend's call, and the turn after. */
export function describeToolCalls(profile: WorkerKindProfile): void {
  const { describe, it, expect } = jestApi();
  const { models, oracle, quirks } = profile;

  describe(`tool calls through the ${profile.name} worker`, () => {
    const bed = useTestbed(profile);

    it('streams the call the model made as fragments that assemble into it exactly', async () => {
      const { client, subjects } = bed();
      const request = chatRequest(models.chat, 'Call get_weather for Paris', { tools: [weather] });
      const plan = oracle.completion({
        model: models.chat,
        messages: plainMessages(request.messages),
        tools: offered,
      });
      const [planned] = plan.toolCalls;
      if (planned === undefined) throw new Error('the simulator should plan a tool call');

      const result = await client.collect(subjects.chat(models.chat), request, {
        timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      });

      const { tool_calls, text } = assembleDeltas(result.deltas);
      const id = quirks.toolCallId(planned);
      expect(tool_calls).toEqual([
        {
          id: typeof id === 'string' ? id : expect.stringMatching(id),
          name: weather.name,
          arguments: planned.argumentsJson,
        },
      ]);
      expect(JSON.parse(tool_calls[0]?.arguments ?? '')).toEqual(planned.arguments);
      expect(text).toBe('');
      expect(result.end.finish_reason).toBe('tool_calls');
      expect(result.end.usage.completion_tokens).toBe(plan.completionTokens);
    });

    it('answers in text once it is given the tool result', async () => {
      const { client, subjects } = bed();
      const call = { id: 'call_abc12345', name: weather.name, arguments: '{"city":"Paris"}' };
      const question = 'Call get_weather for Paris';
      const result = await client.collect(
        subjects.chat(models.chat),
        chatRequest(models.chat, question, {
          tools: [weather],
          messages: [
            { role: 'user', content: question },
            { role: 'assistant', content: null, tool_calls: [call] },
            { role: 'tool', content: '18 degrees and sunny', tool_call_id: call.id },
          ],
        }),
        { timeoutMs: 10_000 + SCHEDULING_SLACK_MS },
      );

      // What the backend saw: the call, then its result.
      const plan = oracle.completion({
        model: models.chat,
        tools: offered,
        messages: [
          { role: 'user', content: question },
          {
            role: 'assistant',
            content: '',
            tool_calls: [{ function: { name: call.name, arguments: call.arguments } }],
          },
          { role: 'tool', content: '18 degrees and sunny' },
        ],
      });
      expect(result.text).toBe(plan.text);
      expect(assembleDeltas(result.deltas).tool_calls).toEqual([]);
      expect(result.end.finish_reason).toBe('stop');
    });
  });
}
