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

  it('calls a tool when the last user message (system messages after it aside) names it, with arguments built from its schema', () => {
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
    const withInstructions = [...messages, { role: 'system', content: 'Be brief.' }];
    expect(planGeneration({ model: 'm', messages: withInstructions, tools }).toolCalls).toEqual([
      { ...call, id: expect.stringMatching(/^[a-z0-9]{8}$/) },
    ]);
    const answered = [...messages, { role: 'tool', content: '21 degrees' }];
    expect(planGeneration({ model: 'm', messages: answered, tools }).toolCalls).toEqual([]);
  });

  describe('with stop sequences', () => {
    // 'p' seeds an answer whose pieces are ' word' tokens after the first; the cases below are
    // built from it, so they hold whatever the words happen to be.
    const full = planGeneration({ model: 'm', prompt: 'p' });
    const at = (index: number) => full.pieces[index] as string;
    const offsetOf = (index: number) => full.pieces.slice(0, index).join('').length;

    it('ends the answer inside a piece, before the stop sequence, with finish reason stop', () => {
      // The stop starts two characters into piece 4 (after its space and first letter).
      const stop = at(4).slice(2) + at(5);
      const plan = planGeneration({ model: 'm', prompt: 'p', stop: [stop] });
      expect(plan.pieces).toEqual([...full.pieces.slice(0, 4), at(4).slice(0, 2)]);
      expect(plan.text).toBe(full.text.slice(0, offsetOf(4) + 2));
      expect(plan.text).not.toContain(stop);
      expect(plan.finishReason).toBe('stop');
      expect(plan.stopSequence).toBe(stop);
      // Usage counts what was generated: pieces 0 to 5, the last one completing the stop sequence.
      expect(plan.completionTokens).toBe(6);
      expect(countTokens(plan.text)).toBe(5);
    });

    it('drops the piece a stop sequence starts at, keeping the pieces wholly before it', () => {
      // Piece 3 (a word with its leading space) first occurs where piece 3 starts.
      expect(full.text.indexOf(at(3))).toBe(offsetOf(3));
      const plan = planGeneration({ model: 'm', prompt: 'p', stop: [at(3)] });
      expect(plan.pieces).toEqual(full.pieces.slice(0, 3));
      expect(plan.text).not.toContain(at(3));
      // Piece 3, which spelled the stop sequence, was generated and is counted, though cut.
      expect(plan.completionTokens).toBe(4);
      expect([plan.finishReason, plan.stopSequence]).toEqual(['stop', at(3)]);
    });

    it('stops at the earliest of two stop sequences, whatever their order, ignoring empty ones', () => {
      const early = at(2) + at(3);
      const late = at(9) + at(10);
      const expected = full.text.slice(0, full.text.indexOf(early));
      for (const stop of [
        [late, early],
        [early, late],
        ['', late, early],
      ]) {
        const plan = planGeneration({ model: 'm', prompt: 'p', stop });
        expect([plan.text, plan.stopSequence, plan.finishReason]).toEqual([
          expected,
          early,
          'stop',
        ]);
      }
    });

    it('lets max tokens end the answer first: finish reason length, no stop sequence', () => {
      const stop = at(6) + at(7);
      const plan = planGeneration({ model: 'm', prompt: 'p', stop: [stop], maxTokens: 4 });
      expect(plan.pieces).toEqual(full.pieces.slice(0, 4));
      expect(plan.finishReason).toBe('length');
      expect(plan.stopSequence).toBeUndefined();
      // The budget runs out on the token that starts the stop sequence: it never completes.
      const partway = planGeneration({ model: 'm', prompt: 'p', stop: [stop], maxTokens: 7 });
      expect(partway.pieces).toEqual(full.pieces.slice(0, 7));
      expect(partway.finishReason).toBe('length');
      // A budget that reaches the token completing it lets the stop sequence win.
      const enough = planGeneration({ model: 'm', prompt: 'p', stop: [stop], maxTokens: 8 });
      expect([enough.text, enough.finishReason, enough.stopSequence]).toEqual([
        full.text.slice(0, full.text.indexOf(stop)),
        'stop',
        stop,
      ]);
    });

    it('leaves the thinking and tool calls alone, and cuts only the answer', () => {
      const thinker = planGeneration({ model: 'qwen3-think', messages: chat });
      // The whole reasoning is a stop sequence too: only the answer's own stops it.
      const answerWord = thinker.pieces[3] as string;
      const stop = [thinker.thinking, answerWord];
      const stopped = planGeneration({ model: 'qwen3-think', messages: chat, stop });
      expect(stopped.thinkingPieces).toEqual(thinker.thinkingPieces);
      expect(stopped.text).toBe(thinker.text.slice(0, thinker.text.indexOf(answerWord)));
      expect([stopped.finishReason, stopped.stopSequence]).toEqual(['stop', answerWord]);
      // The thinking, and the answer's pieces up to the one that completed the stop sequence
      // (generated and counted, though cut from the text).
      const stopEnd = thinker.text.indexOf(answerWord) + answerWord.length;
      const generated = thinker.pieces.filter(
        (_piece, index) => thinker.pieces.slice(0, index).join('').length < stopEnd,
      );
      expect(stopped.completionTokens).toBe(THINKING_TOKENS + generated.length);
      const tools = [{ function: { name: 'get_weather' } }];
      const messages = [{ role: 'user', content: 'Use get_weather please' }];
      const call = planGeneration({ model: 'm', messages, tools });
      const callStop = [call.toolCalls[0]?.argumentsJson as string, '{'];
      expect(planGeneration({ model: 'm', messages, tools, stop: callStop })).toEqual(call);
    });

    it('changes nothing when no stop sequence occurs in the answer', () => {
      expect(planGeneration({ model: 'm', prompt: 'p', stop: ['not a word here', ''] })).toEqual(
        full,
      );
      expect(planGeneration({ model: 'm', prompt: 'p', stop: [] })).toEqual(full);
    });
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

  it('answers one of the schemas anyOf or oneOf offers, the same one for the same request', () => {
    const names = ['alpha', 'beta', 'gamma'];
    const branches = names.map((name) => ({
      type: 'object',
      properties: { name: { const: name }, arguments: { type: 'object' } },
    }));
    const chosen = (model: string, keyword: 'anyOf' | 'oneOf') =>
      JSON.parse(planGeneration({ model, prompt: 'p', format: { [keyword]: branches } }).text);
    const seen = new Set<string>();
    for (const model of ['m1', 'm2', 'm3', 'm4', 'm5', 'm6']) {
      const value = chosen(model, 'anyOf');
      expect(names).toContain(value.name);
      expect(value.arguments).toEqual({});
      expect(chosen(model, 'anyOf')).toEqual(value);
      expect(names).toContain(chosen(model, 'oneOf').name);
      seen.add(value.name);
    }
    // Chosen by the request, not always the first.
    expect(seen.size).toBeGreaterThan(1);
  });
});
