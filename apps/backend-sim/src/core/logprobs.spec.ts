import { describe, expect, it } from '@jest/globals';
import { planGeneration, type GenerationQuery } from './generator.js';
import { MAX_TOP_LOGPROBS, type TokenLogprob } from './logprobs.js';

const query: GenerationQuery = {
  model: 'm',
  messages: [{ role: 'user', content: 'Tell me about the sea.' }],
};
const entriesOf = (extra: Partial<GenerationQuery>): TokenLogprob[] =>
  planGeneration({ ...query, ...extra }).logprobs ?? [];
const utf8 = (text: string) => [...Buffer.from(text, 'utf8')];

describe('planned logprobs', () => {
  it('are absent unless the query asks for them', () => {
    expect(planGeneration(query)).not.toHaveProperty('logprobs');
    expect(planGeneration({ ...query, logprobs: 0 }).logprobs).toHaveLength(16);
  });

  it('give each answer token its entry, the chosen token first among exactly as many falling alternatives as asked', () => {
    for (const top of [0, 1, 5, MAX_TOP_LOGPROBS]) {
      const plan = planGeneration({ ...query, logprobs: top });
      const entries = plan.logprobs ?? [];
      expect(entries.map((entry) => entry.token)).toEqual(plan.pieces);
      expect(entries.map((entry) => entry.token).join('')).toBe(plan.text);
      for (const entry of entries) {
        expect(entry.logprob).toBeLessThan(0);
        expect(entry.bytes).toEqual(utf8(entry.token));
        expect(entry.top_logprobs).toHaveLength(top);
        if (top === 0) continue;
        expect(entry.top_logprobs[0]).toEqual({
          token: entry.token,
          logprob: entry.logprob,
          bytes: entry.bytes,
        });
        const tokens = entry.top_logprobs.map((candidate) => candidate.token);
        expect(new Set(tokens).size).toBe(top);
        const logprobs = entry.top_logprobs.map((candidate) => candidate.logprob);
        expect(logprobs).toEqual([...logprobs].sort((a, b) => b - a));
        expect(new Set(logprobs).size).toBe(top);
        expect(logprobs.reduce((sum, logprob) => sum + Math.exp(logprob), 0)).toBeLessThan(1);
        for (const candidate of entry.top_logprobs) {
          expect(candidate.bytes).toEqual(utf8(candidate.token));
          // An alternative to a word keeps its leading space, as a real tokenizer's would.
          expect(candidate.token.startsWith(' ')).toBe(entry.token.startsWith(' '));
        }
      }
    }
  });

  it('are the same for the same request and seed, and shared by shorter answers and shorter lists', () => {
    const full = entriesOf({ logprobs: 5 });
    expect(entriesOf({ logprobs: 5 })).toEqual(full);
    expect(entriesOf({ logprobs: 5, seed: 1 })).not.toEqual(full);
    expect(entriesOf({ logprobs: 5, maxTokens: 3 })).toEqual(full.slice(0, 3));
    const fewer = entriesOf({ logprobs: 2 });
    expect(fewer.map((entry) => entry.top_logprobs)).toEqual(
      full.map((entry) => entry.top_logprobs.slice(0, 2)),
    );
  });

  it('end where a stop sequence ends the text, the cut token keeping its prefix', () => {
    const full = planGeneration({ ...query, logprobs: 3 });
    const word = (full.pieces[4] as string).trim();
    const stop = word.slice(2);
    const plan = planGeneration({ ...query, logprobs: 3, stop: [stop] });
    const entries = plan.logprobs ?? [];
    expect(entries).toHaveLength(5);
    expect(entries.map((entry) => entry.token).join('')).toBe(plan.text);
    expect(entries[4]?.token).toBe(` ${word.slice(0, 2)}`);
    expect(entries[4]?.top_logprobs[0]?.token).toBe(` ${word.slice(0, 2)}`);
  });

  it('cover the answer only: none for thinking or a tool call', () => {
    const thinking = planGeneration({ ...query, model: 'qwen3-think', logprobs: 1 });
    expect(thinking.thinkingPieces.length).toBeGreaterThan(0);
    expect(thinking.logprobs?.map((entry) => entry.token)).toEqual(thinking.pieces);
    const tools = [{ type: 'function', function: { name: 'sea_facts', parameters: {} } }];
    const messages = [{ role: 'user', content: 'Use sea_facts' }];
    const call = planGeneration({ ...query, messages, tools, logprobs: 1 });
    expect([call.finishReason, call.logprobs]).toEqual(['tool_calls', []]);
  });
});
