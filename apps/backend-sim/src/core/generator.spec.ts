import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_ANSWER_TOKENS,
  planGeneration,
  renderPrompt,
  THINKING_TOKENS,
} from './generator.js';
import { countTokens } from './tokenizer.js';
import { VOCABULARY } from './vocabulary.js';

const chat = [{ role: 'user', content: 'Hello there' }];

describe('planGeneration', () => {
  it('answers the same words for the same seed, model and prompt, and others otherwise', () => {
    const a = planGeneration({ seed: 1, model: 'm', messages: chat });
    expect(planGeneration({ seed: 1, model: 'm', messages: chat })).toEqual(a);
    expect(planGeneration({ seed: 2, model: 'm', messages: chat }).text).not.toBe(a.text);
    expect(planGeneration({ seed: 1, model: 'n', messages: chat }).text).not.toBe(a.text);
    expect(a.pieces).toHaveLength(DEFAULT_ANSWER_TOKENS);
    expect(a.text.split(' ').every((word) => VOCABULARY.includes(word))).toBe(true);
    expect(a.finishReason).toBe('stop');
  });

  it('reports as many completion tokens as it streams, and re-tokenizes to the same count', () => {
    const plan = planGeneration({ model: 'm', messages: chat, answerTokens: 7 });
    expect(plan.completionTokens).toBe(7);
    expect(countTokens(plan.text)).toBe(7);
    expect(plan.promptTokens).toBe(countTokens('user: Hello there'));
  });

  it('honours max tokens with finish reason length, as a prefix of the full answer', () => {
    const full = planGeneration({ model: 'm', prompt: 'p' });
    const cut = planGeneration({ model: 'm', prompt: 'p', maxTokens: 5 });
    expect(cut.finishReason).toBe('length');
    expect(cut.pieces).toEqual(full.pieces.slice(0, 5));
    expect(planGeneration({ model: 'm', prompt: 'p', maxTokens: -1 }).pieces).toEqual(full.pieces);
  });

  it('renders OpenAI content parts and Ollama strings of the same conversation alike', () => {
    const openai = [
      { role: 'user', content: [{ type: 'text', text: 'Hi' }, { type: 'image_url' }] },
    ];
    expect(renderPrompt({ messages: openai })).toBe(
      renderPrompt({ messages: [{ role: 'user', content: 'Hi' }] }),
    );
    const asString = [
      { role: 'assistant', tool_calls: [{ function: { name: 'f', arguments: '{"a":1}' } }] },
    ];
    const asObject = [
      { role: 'assistant', tool_calls: [{ function: { name: 'f', arguments: { a: 1 } } }] },
    ];
    expect(renderPrompt({ messages: asString })).toBe(renderPrompt({ messages: asObject }));
  });

  it('lets a model named *think* reason first, within the token budget', () => {
    const plan = planGeneration({ model: 'qwen3-think', messages: chat });
    expect(plan.thinkingPieces).toHaveLength(THINKING_TOKENS);
    expect(plan.completionTokens).toBe(THINKING_TOKENS + DEFAULT_ANSWER_TOKENS);
    expect(planGeneration({ model: 'qwen3-think', messages: chat, think: false }).thinking).toBe(
      '',
    );
    const short = planGeneration({ model: 'qwen3-think', messages: chat, maxTokens: 3 });
    expect([short.thinkingPieces.length, short.pieces.length, short.finishReason]).toEqual([
      3,
      0,
      'length',
    ]);
  });

  it('calls a tool when the last user message names it, with arguments built from its schema', () => {
    const tools = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          parameters: {
            type: 'object',
            properties: {
              city: { type: 'string' },
              unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
              days: { type: 'integer' },
            },
          },
        },
      },
    ];
    const messages = [{ role: 'user', content: 'Use get_weather please' }];
    const plan = planGeneration({ model: 'm', messages, tools });
    expect(plan.finishReason).toBe('tool_calls');
    expect(plan.text).toBe('');
    const [call] = plan.toolCalls;
    expect(call?.name).toBe('get_weather');
    expect(Object.keys(call?.arguments ?? {})).toEqual(['city', 'unit', 'days']);
    expect(call?.arguments.unit).toBe('celsius');
    expect(VOCABULARY).toContain(call?.arguments.city);
    expect(Number.isInteger(call?.arguments.days)).toBe(true);
    expect(call?.id).toMatch(/^[a-z0-9]{8}$/);
    expect(planGeneration({ model: 'm', messages, tools })).toEqual(plan);
    expect(planGeneration({ model: 'm', messages, tools, toolChoice: 'none' }).toolCalls).toEqual(
      [],
    );
    const answered = [...messages, { role: 'tool', content: '21 degrees' }];
    expect(planGeneration({ model: 'm', messages: answered, tools }).toolCalls).toEqual([]);
  });

  it('produces JSON text for structured output', () => {
    const json = planGeneration({ model: 'm', prompt: 'p', format: 'json' });
    expect(Object.keys(JSON.parse(json.text))).toEqual(['answer']);
    const schema = {
      type: 'object',
      properties: { ok: { type: 'boolean' }, tags: { type: 'array', items: { type: 'string' } } },
    };
    const value = JSON.parse(planGeneration({ model: 'm', prompt: 'p', format: schema }).text);
    expect(typeof value.ok).toBe('boolean');
    expect(value.tags).toHaveLength(1);
  });
});
