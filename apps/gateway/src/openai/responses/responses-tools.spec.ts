import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import { translateResponsesRequest } from './responses-request.translator.js';
import { translateTools } from './responses-tools.js';

const schema = { type: 'object', properties: { target: { type: 'string' } } };
const agents = {
  type: 'namespace',
  name: 'agents',
  description: 'Sub-agents.',
  tools: [
    { type: 'function', name: 'spawn', description: 'Starts one.', parameters: schema },
    { type: 'function', name: 'close', parameters: schema, strict: false },
  ],
};

function refusedAt(tools: unknown[]): unknown {
  try {
    translateTools(tools);
  } catch (error) {
    return error instanceof SwitchyardError ? error.details?.['param'] : error;
  }
  return 'accepted';
}

describe('translateTools', () => {
  it('gives a namespace’s functions to the model by one name, and takes its calls back by two', () => {
    const tools = translateTools([{ type: 'function', name: 'exec', parameters: schema }, agents]);
    expect(tools.functions).toEqual([
      { name: 'exec', parameters: schema },
      { name: 'agents__spawn', description: 'Sub-agents.\nStarts one.', parameters: schema },
      { name: 'agents__close', description: 'Sub-agents.', parameters: schema, strict: false },
    ]);
    expect(tools.clientName('agents__spawn')).toEqual({ namespace: 'agents', name: 'spawn' });
    expect(tools.clientName('exec')).toEqual({ name: 'exec' });
    // A name that only looks namespaced stays as the model said it.
    expect(tools.clientName('other__spawn')).toEqual({ name: 'other__spawn' });
  });

  it('states the tools as the client sent them, each function with its defaults', () => {
    const search = { type: 'web_search', external_web_access: false };
    const tools = translateTools([{ type: 'function', name: 'exec' }, agents, search]);
    const fn = (name: string, description: string | null, parameters: unknown, strict = null) => ({
      type: 'function',
      name,
      description,
      parameters,
      strict,
    });
    expect(tools.echo).toEqual([
      fn('exec', null, null),
      {
        type: 'namespace',
        name: 'agents',
        description: 'Sub-agents.',
        tools: [
          fn('spawn', 'Starts one.', schema),
          { ...fn('close', null, schema), strict: false },
        ],
      },
      search,
    ]);
  });

  it('leaves web search out, as coding agents offer it on every request', () => {
    const tools = translateTools([
      { type: 'web_search', external_web_access: false },
      { type: 'web_search_preview' },
      { type: 'function', name: 'exec' },
    ]);
    expect(tools.functions).toEqual([{ name: 'exec' }]);
  });

  it('refuses other hosted tools and what a namespace cannot hold, naming them', () => {
    expect(refusedAt([{ type: 'file_search', vector_store_ids: ['vs_1'] }])).toBe('tools[0].type');
    expect(refusedAt([{ type: 'function', name: 'f' }, { type: 'mcp' }])).toBe('tools[1].type');
    expect(refusedAt([{ ...agents, tools: [{ type: 'custom', name: 'patch' }] }])).toBe(
      'tools[0].tools[0].type',
    );
    expect(refusedAt([{ ...agents, tools: [{ type: 'function' }] }])).toBe(
      'tools[0].tools[0].name',
    );
    expect(refusedAt([{ type: 'namespace', tools: [] }])).toBe('tools[0].name');
  });
});

describe('translateResponsesRequest with namespaced functions', () => {
  it('joins the namespace of a call sent back and of the tool choice to the name', () => {
    const translated = translateResponsesRequest({
      model: 'm',
      tools: [agents, { type: 'web_search' }],
      tool_choice: { type: 'function', namespace: 'agents', name: 'close' },
      include: ['reasoning.encrypted_content'],
      input: [
        { role: 'user', content: 'Close it.' },
        {
          type: 'function_call',
          call_id: 'call_1',
          namespace: 'agents',
          name: 'close',
          arguments: '{"target":"a1"}',
        },
        { type: 'function_call_output', call_id: 'call_1', output: 'closed' },
      ],
    });
    expect(translated.body).toMatchObject({
      tool_choice: { name: 'agents__close' },
      messages: [
        { role: 'user', content: 'Close it.' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_1', name: 'agents__close', arguments: '{"target":"a1"}' }],
        },
        { role: 'tool', tool_call_id: 'call_1', content: 'closed' },
      ],
    });
    expect(translated.clientToolName('agents__close')).toEqual({
      namespace: 'agents',
      name: 'close',
    });
  });
});
