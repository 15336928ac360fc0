import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import { translateMessagesRequest } from './anthropic-request.translator.js';

const PNG = 'iVBORw0KGgo=';
const base = { model: 'm', max_tokens: 32 };

describe('translateMessagesRequest', () => {
  it('puts the system prompt first and takes the sampling fields', () => {
    const translated = translateMessagesRequest({
      ...base,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'Hi' }],
      stop_sequences: ['\n\n'],
      temperature: 0.2,
      top_k: 40,
    });
    expect(translated).toEqual({
      model: 'm',
      stream: false,
      body: {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
        ],
        stream: false,
        max_tokens: 32,
        temperature: 0.2,
        top_k: 40,
        stop: ['\n\n'],
      },
    });
  });

  it('turns tool use into tool calls, and tool results into tool messages before the user’s text', () => {
    const translated = translateMessagesRequest({
      ...base,
      stream: true,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Use the tool.', signature: 'sig' },
            { type: 'redacted_thinking', data: 'xyz' },
            { type: 'text', text: 'Checking.' },
            { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Here:' },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [{ type: 'text', text: '21°' }],
            },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
          ],
        },
      ],
    });
    expect(translated.stream).toBe(true);
    expect(translated.body['messages']).toEqual([
      { role: 'user', content: 'Weather in Paris?' },
      {
        role: 'assistant',
        content: 'Checking.',
        reasoning: 'Use the tool.',
        tool_calls: [{ id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: '21°' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Here:' },
          { type: 'image', media_type: 'image/png', data: PNG },
        ],
      },
    ]);
  });

  it('puts a tool result’s images in the user message after it, as backends take images', () => {
    const translated = translateMessagesRequest({
      ...base,
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_1',
              content: [
                { type: 'text', text: 'The screenshot:' },
                { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
              ],
            },
          ],
        },
      ],
    });
    expect(translated.body['messages']).toEqual([
      { role: 'tool', tool_call_id: 'toolu_1', content: 'The screenshot:' },
      { role: 'user', content: [{ type: 'image', media_type: 'image/png', data: PNG }] },
    ]);
  });

  it('says a tool result marked is_error failed, in the words the model reads', () => {
    const result = (block: Record<string, unknown>) =>
      translateMessagesRequest({
        ...base,
        messages: [
          {
            role: 'user',
            content: [Object.assign({ type: 'tool_result', tool_use_id: 't' }, block)],
          },
        ],
      }).body['messages'];
    expect(result({ content: 'No such file: a.txt', is_error: true })).toEqual([
      { role: 'tool', tool_call_id: 't', content: 'Error: No such file: a.txt' },
    ]);
    expect(result({ is_error: true })).toEqual([
      { role: 'tool', tool_call_id: 't', content: 'Error: the tool failed.' },
    ]);
    expect(result({ content: 'a.txt: 3 lines', is_error: false })).toEqual([
      { role: 'tool', tool_call_id: 't', content: 'a.txt: 3 lines' },
    ]);
  });

  it('translates custom tools, the tool choice and the thinking budget', () => {
    const schema = { type: 'object', properties: {} };
    const ask = (fields: Record<string, unknown>) =>
      translateMessagesRequest({ ...base, messages: [{ role: 'user', content: 'Hi' }], ...fields })
        .body;
    expect(
      ask({
        tools: [{ name: 'f', description: 'does f', input_schema: schema }],
        tool_choice: { type: 'any' },
      }),
    ).toMatchObject({
      tools: [{ name: 'f', description: 'does f', parameters: schema }],
      tool_choice: 'required',
    });
    const tools = [{ name: 'f', input_schema: schema }];
    expect(ask({ tools, tool_choice: { type: 'tool', name: 'f' } })['tool_choice']).toEqual({
      name: 'f',
    });
    // A tool the request does not offer cannot be chosen.
    expect(() => ask({ tools, tool_choice: { type: 'tool', name: 'g' } })).toThrow(
      'tool_choice names the tool "g", which is not in tools',
    );
    expect(ask({ thinking: { type: 'enabled', budget_tokens: 1024 } })['reasoning_effort']).toBe(
      'low',
    );
    expect(ask({ thinking: { type: 'enabled', budget_tokens: 4096 } })['reasoning_effort']).toBe(
      'medium',
    );
    expect(ask({ thinking: { type: 'enabled', budget_tokens: 32_000 } })['reasoning_effort']).toBe(
      'high',
    );
    expect(ask({ thinking: { type: 'disabled' } })['reasoning_effort']).toBe('none');
    expect(ask({ thinking: { type: 'adaptive' } })['reasoning_effort']).toBeUndefined();
  });

  it('keeps system messages of the conversation where they stand, until cleared', () => {
    const messages = (raw: unknown[]) =>
      translateMessagesRequest({ ...base, system: 'Be brief.', messages: raw }).body['messages'];
    // Claude Code adds instructions after the user's turn.
    expect(
      messages([
        {
          role: 'user',
          content: [{ type: 'text', text: 'Hi', cache_control: { type: 'ephemeral' } }],
        },
        { role: 'system', content: 'Agents: claude.' },
        { role: 'assistant', content: 'Hello.' },
        {
          role: 'system',
          content: [
            { type: 'text', text: 'Now' },
            { type: 'text', text: 'in French.' },
          ],
        },
      ]),
    ).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      { role: 'system', content: 'Agents: claude.' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'system', content: 'Now\nin French.' },
    ]);
    // `clear_at: next_user_message`: shown until the next user turn, gone once there is one.
    const reminder = { role: 'system', content: 'Reminder.', clear_at: 'next_user_message' };
    expect(messages([{ role: 'user', content: 'Hi' }, reminder])).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'system', content: 'Reminder.' },
    ]);
    expect(
      messages([
        { role: 'user', content: 'Hi' },
        reminder,
        { role: 'assistant', content: 'Hello.' },
        { role: 'user', content: 'Bye' },
      ]),
    ).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello.' },
      { role: 'user', content: 'Bye' },
    ]);
  });

  it('takes output_config: the format as a JSON schema, the effort only for thinking asked for', () => {
    const ask = (fields: Record<string, unknown>) =>
      translateMessagesRequest({ ...base, messages: [{ role: 'user', content: 'Hi' }], ...fields })
        .body;
    const schema = { type: 'object', properties: { colour: { type: 'string' } } };
    expect(ask({ output_config: { format: { type: 'json_schema', schema } } })).toMatchObject({
      response_format: { type: 'json_schema', schema },
    });
    const enabled = { type: 'enabled', budget_tokens: 32_000 };
    expect(ask({ thinking: enabled, output_config: { effort: 'low' } })['reasoning_effort']).toBe(
      'low',
    );
    expect(ask({ thinking: enabled, output_config: { effort: 'xhigh' } })['reasoning_effort']).toBe(
      'high',
    );
    expect(ask({ thinking: enabled, output_config: { effort: 'max' } })['reasoning_effort']).toBe(
      'max',
    );
    // Claude Code's every request: no effort for a model that may not think (Ollama refuses one).
    for (const thinking of [undefined, { type: 'adaptive' }]) {
      expect(
        ask({ thinking, output_config: { effort: 'high' } })['reasoning_effort'],
      ).toBeUndefined();
    }
    expect(
      ask({ thinking: { type: 'disabled' }, output_config: { effort: 'high' } })[
        'reasoning_effort'
      ],
    ).toBe('none');
  });

  it('names the field at fault', () => {
    const refused = (fields: Record<string, unknown>): unknown => {
      try {
        translateMessagesRequest({
          ...base,
          messages: [{ role: 'user', content: 'Hi' }],
          ...fields,
        });
      } catch (error) {
        return error instanceof SwitchyardError ? error.details?.['param'] : error;
      }
      return 'accepted';
    };
    expect(refused({ max_tokens: 0 })).toBe('max_tokens');
    // Checked by the canonical schema, named as the client calls it.
    expect(refused({ stop_sequences: Array.from({ length: 17 }, (_, i) => `s${i}`) })).toBe(
      'stop_sequences',
    );
    expect(refused({ messages: [] })).toBe('messages');
    // Anthropic's top_k is at least 0: -1, no cut elsewhere, is not Anthropic's.
    expect(refused({ top_k: -1 })).toBe('top_k');
    expect(refused({ temperature: 1.5 })).toBe('temperature');
    expect(refused({ temperature: -0.1 })).toBe('temperature');
    expect(refused({ temperature: 1 })).toBe('accepted');
    expect(refused({ tools: [{ type: 'bash_20250124', name: 'bash' }] })).toBe('tools[0].type');
    expect(refused({ tools: [{ name: 'f' }] })).toBe('tools[0].input_schema');
    expect(refused({ mcp_servers: [{ url: 'https://x' }] })).toBe('mcp_servers');
    expect(refused({ output_config: { effort: 'extreme' } })).toBe('output_config.effort');
    expect(
      refused({
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'system', content: [{ type: 'image', source: { type: 'base64' } }] },
        ],
      }),
    ).toBe('messages[1].content[0].type');
    expect(
      refused({ messages: [{ role: 'user', content: [{ type: 'tool_result', content: 'x' }] }] }),
    ).toBe('messages[0].content[0].tool_use_id');
    expect(
      refused({
        messages: [
          {
            role: 'assistant',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
            ],
          },
        ],
      }),
    ).toBe('messages[0].content[0].type');
    expect(
      refused({
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 't',
                content: [{ type: 'image', source: { type: 'url', url: 'https://x/a.png' } }],
              },
            ],
          },
        ],
      }),
    ).toBe('messages[0].content[0].content[0].source');
  });
});
