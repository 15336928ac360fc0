import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import { translateResponsesRequest } from './responses-request.translator.js';

const PNG = 'iVBORw0KGgo=';

describe('translateResponsesRequest', () => {
  it('puts the instructions first, as a system message, then a text input as the user', () => {
    const translated = translateResponsesRequest({
      model: 'm',
      instructions: 'Be brief.',
      input: 'Hi',
      max_output_tokens: 9,
      temperature: 0.5,
    });
    expect(translated.body).toEqual({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      stream: false,
      max_tokens: 9,
      temperature: 0.5,
    });
    expect([translated.model, translated.stream, translated.logprobs]).toEqual(['m', false, false]);
    expect(translated.settings).toMatchObject({
      instructions: 'Be brief.',
      max_output_tokens: 9,
      store: true,
      text: { format: { type: 'text' } },
      tool_choice: 'auto',
      tools: [],
    });
  });

  it('joins a turn’s reasoning, text and function calls into one assistant message', () => {
    const translated = translateResponsesRequest({
      model: 'm',
      stream: true,
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Weather ' },
            { type: 'input_text', text: 'in Paris?' },
          ],
        },
        {
          type: 'reasoning',
          summary: [],
          content: [{ type: 'reasoning_text', text: 'Use the tool.' }],
        },
        {
          type: 'message',
          role: 'assistant',
          content: [{ type: 'output_text', text: 'Checking.', annotations: [] }],
        },
        {
          type: 'function_call',
          call_id: 'c1',
          name: 'get_weather',
          arguments: '{"city":"Paris"}',
        },
        { type: 'function_call', call_id: 'c2', name: 'get_time', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: '{"temp":21}' },
        {
          type: 'function_call_output',
          call_id: 'c2',
          output: [{ type: 'input_text', text: 'noon' }],
        },
      ],
    });
    expect(translated.stream).toBe(true);
    expect(translated.body['stream']).toBeUndefined();
    expect(translated.body['messages']).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather ' },
          { type: 'text', text: 'in Paris?' },
        ],
      },
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'Checking.' }],
        reasoning: 'Use the tool.',
        tool_calls: [
          { id: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'c2', name: 'get_time', arguments: '{}' },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: '{"temp":21}' },
      { role: 'tool', tool_call_id: 'c2', content: 'noon' },
    ]);
  });

  it('opens an assistant message for calls that follow no assistant text', () => {
    const translated = translateResponsesRequest({
      model: 'm',
      input: [
        { role: 'user', content: 'Weather?' },
        { type: 'function_call', call_id: 'c1', name: 'get_weather', arguments: '{}' },
      ],
    });
    expect(translated.body['messages']).toEqual([
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', name: 'get_weather', arguments: '{}' }],
      },
    ]);
  });

  it('puts the images of a run of function call outputs in a user message after the run', () => {
    const image = { type: 'input_image', image_url: `data:image/png;base64,${PNG}` };
    const translated = translateResponsesRequest({
      model: 'm',
      input: [
        { role: 'user', content: 'Look at both.' },
        { type: 'function_call', call_id: 'c1', name: 'shot', arguments: '{}' },
        { type: 'function_call', call_id: 'c2', name: 'shot', arguments: '{}' },
        {
          type: 'function_call_output',
          call_id: 'c1',
          output: [{ type: 'input_text', text: 'first' }, image],
        },
        { type: 'function_call_output', call_id: 'c2', output: [image] },
      ],
    });
    const picture = { type: 'image', media_type: 'image/png', data: PNG };
    expect(translated.body['messages']).toEqual([
      { role: 'user', content: 'Look at both.' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'c1', name: 'shot', arguments: '{}' },
          { id: 'c2', name: 'shot', arguments: '{}' },
        ],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'first' },
      { role: 'tool', tool_call_id: 'c2', content: '' },
      { role: 'user', content: [picture, picture] },
    ]);
  });

  it('keeps images as parts beside the text', () => {
    const translated = translateResponsesRequest({
      model: 'm',
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'What is this?' },
            { type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'auto' },
          ],
        },
      ],
    });
    expect(translated.body['messages']).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image', media_type: 'image/png', data: PNG },
        ],
      },
    ]);
  });

  it('translates tools, the tool choice, the text format and the reasoning effort', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const translated = translateResponsesRequest({
      model: 'm',
      input: 'Hi',
      tools: [
        { type: 'function', name: 'f', description: 'does f', parameters: schema, strict: true },
      ],
      tool_choice: { type: 'function', name: 'f' },
      text: { format: { type: 'json_schema', name: 'answer', schema, strict: true } },
      reasoning: { effort: 'minimal', summary: 'auto' },
    });
    expect(translated.body).toMatchObject({
      tools: [{ name: 'f', description: 'does f', parameters: schema, strict: true }],
      tool_choice: { name: 'f' },
      response_format: { type: 'json_schema', name: 'answer', schema, strict: true },
      reasoning_effort: 'low',
    });
    expect(translated.settings).toMatchObject({
      tools: [
        { type: 'function', name: 'f', description: 'does f', parameters: schema, strict: true },
      ],
      tool_choice: { type: 'function', name: 'f' },
      reasoning: { effort: 'minimal', summary: 'auto' },
    });
  });

  it('offers only the allowed tools, with their mode as the tool choice', () => {
    const tool = (name: string) => ({ type: 'function', name, parameters: { type: 'object' } });
    const translated = translateResponsesRequest({
      model: 'm',
      input: 'Hi',
      tools: [tool('read'), tool('write'), tool('delete')],
      tool_choice: {
        type: 'allowed_tools',
        mode: 'required',
        tools: [
          { type: 'function', name: 'read' },
          { type: 'function', name: 'write' },
        ],
      },
    });
    expect(translated.body['tools']).toEqual([
      { name: 'read', parameters: { type: 'object' } },
      { name: 'write', parameters: { type: 'object' } },
    ]);
    expect(translated.body['tool_choice']).toBe('required');
    // The response states the choice as the client made it.
    expect(translated.settings['tool_choice']).toMatchObject({ type: 'allowed_tools' });
  });

  it.each([
    [
      [{ type: 'function', name: 'missing' }],
      'tool_choice.tools[0].name',
      /"missing", which is not among the request's tools/,
    ],
    [
      [
        { type: 'function', name: 'read' },
        { type: 'mcp', server_label: 'x' },
      ],
      'tool_choice.tools[1].type',
      /tools of type "mcp" are not supported/,
    ],
  ])('refuses allowed tools the request cannot offer: %j', (allowed, param, message) => {
    const error = rejection(() =>
      translateResponsesRequest({
        model: 'm',
        input: 'Hi',
        tools: [{ type: 'function', name: 'read' }],
        tool_choice: { type: 'allowed_tools', mode: 'auto', tools: allowed },
      }),
    );
    expect(error.message).toMatch(message);
    expect(error.details).toMatchObject({ param });
  });

  it('asks for log-probabilities when include names them or top_logprobs is set', () => {
    const ask = (fields: Record<string, unknown>) =>
      translateResponsesRequest({ model: 'm', input: 'Hi', ...fields });
    expect(ask({ include: ['message.output_text.logprobs'] }).body['logprobs']).toBe(0);
    expect(
      ask({ include: ['message.output_text.logprobs'], top_logprobs: 3 }).body['logprobs'],
    ).toBe(3);
    expect(ask({ top_logprobs: 2 }).logprobs).toBe(true);
    expect(ask({ include: ['reasoning.encrypted_content'] }).body['logprobs']).toBeUndefined();
  });

  it('names the field at fault', () => {
    const refused = (fields: Record<string, unknown>): unknown => {
      try {
        translateResponsesRequest({ model: 'm', input: 'Hi', ...fields });
      } catch (error) {
        return error instanceof SwitchyardError ? [error.code, error.details?.['param']] : error;
      }
      return 'accepted';
    };
    expect(refused({ input: undefined })).toEqual(['bad_request', 'input']);
    expect(refused({ input: [{ type: 'reasoning', content: [] }] })).toEqual([
      'bad_request',
      'input',
    ]);
    expect(refused({ input: [{ role: 'robot', content: 'x' }] })).toEqual([
      'bad_request',
      'input[0].role',
    ]);
    expect(refused({ input: [{ type: 'web_search_call', id: 'w' }] })).toEqual([
      'bad_request',
      'input[0].type',
    ]);
    expect(
      refused({ input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file_1' }] }] }),
    ).toEqual(['bad_request', 'input[0].content[0]']);
    expect(
      refused({ input: [{ role: 'user', content: [{ type: 'input_file', file_data: 'x' }] }] }),
    ).toEqual(['bad_request', 'input[0].content[0]']);
    expect(
      refused({
        input: [
          {
            type: 'function_call_output',
            call_id: 'c',
            output: [{ type: 'input_image', image_url: 'https://example.com/a.png' }],
          },
        ],
      }),
    ).toEqual(['bad_request', 'input[0].output[0]']);
    expect(refused({ tools: [{ name: 'f' }] })).toEqual(['bad_request', 'tools[0].type']);
    expect(refused({ prompt: { id: 'pmpt_1' } })).toEqual(['bad_request', 'prompt']);
    expect(refused({ temperature: 7 })).toEqual(['bad_request', 'temperature']);
  });
});

function rejection(call: () => unknown): SwitchyardError {
  try {
    call();
  } catch (error) {
    if (error instanceof SwitchyardError) return error;
    throw error;
  }
  throw new Error('expected a SwitchyardError, but the call returned');
}
