import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectedCompletion, type RunningSimulator } from '../src/index.js';
import { postJson, readNdjson, readSse, startFastSimulator } from './support/http.js';

const tools = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Weather in a city',
      parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
    },
  },
];
const messages = [{ role: 'user', content: 'Please call get_weather for me' }];

// Ollama sends a tool call whole, arguments as an object (native) or one JSON string (/v1).
describe('Ollama tool calls', () => {
  let sim: RunningSimulator;
  const expected = expectedCompletion({ model: 'llama3.2:latest', messages, tools });
  beforeAll(async () => {
    sim = await startFastSimulator({ kind: 'ollama', models: ['llama3.2'] });
  });
  afterAll(() => sim.close());

  it('streams one native chunk with the whole call and object arguments, then done_reason stop', async () => {
    const lines = await readNdjson(
      await postJson(`${sim.url}/api/chat`, { model: 'llama3.2', messages, tools }),
    );
    expect(lines).toHaveLength(2);
    const [call] = expected.toolCalls;
    expect(lines[0]).toMatchObject({
      done: false,
      message: {
        role: 'assistant',
        content: '',
        tool_calls: [
          {
            id: `call_${call?.id}`,
            function: { index: 0, name: 'get_weather', arguments: call?.arguments },
          },
        ],
      },
    });
    expect(lines[1]).toMatchObject({
      done: true,
      done_reason: 'stop',
      eval_count: expected.completionTokens,
    });
  });

  it('sends /v1 calls whole with string arguments and finish_reason tool_calls', async () => {
    const events = await readSse(
      await postJson(`${sim.url}/v1/chat/completions`, {
        model: 'llama3.2',
        messages,
        tools,
        stream: true,
      }),
    );
    const chunks = events.slice(0, -1) as {
      choices: { delta: Record<string, unknown>; finish_reason: unknown }[];
    }[];
    expect(chunks[0]?.choices[0]?.delta).toEqual({
      role: 'assistant',
      content: '',
      tool_calls: [
        {
          id: `call_${expected.toolCalls[0]?.id}`,
          index: 0,
          type: 'function',
          function: { name: 'get_weather', arguments: expected.toolCalls[0]?.argumentsJson },
        },
      ],
    });
    expect(chunks[1]?.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'tool_calls' });
    expect(events.at(-1)).toBe('[DONE]');
  });
});
