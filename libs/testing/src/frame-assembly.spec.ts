import { describe, expect, it } from '@jest/globals';
import type { DeltaFrame } from '@switchyard/contracts';
import { assembleDeltas, float32FromBase64 } from './frame-assembly.js';

const delta = (seq: number, fields: Omit<DeltaFrame, 'type' | 'seq'>): DeltaFrame => ({
  type: 'delta',
  seq,
  ...fields,
});

describe('assembleDeltas', () => {
  it('joins text and reasoning, and each tool call from its fragments, in index order', () => {
    const assembled = assembleDeltas([
      delta(1, { reasoning: 'Let me ' }),
      delta(2, { reasoning: 'see.', text: 'Sure' }),
      delta(3, { tool_calls: [{ index: 1, id: 'b', name: 'second', arguments: '' }] }),
      delta(4, { tool_calls: [{ index: 0, id: 'a', name: 'first', arguments: '{"x"' }] }),
      delta(5, {
        tool_calls: [
          { index: 0, arguments: ':1}' },
          { index: 1, arguments: '{}' },
        ],
      }),
    ]);
    expect(assembled).toEqual({
      text: 'Sure',
      reasoning: 'Let me see.',
      tool_calls: [
        { id: 'a', name: 'first', arguments: '{"x":1}' },
        { id: 'b', name: 'second', arguments: '{}' },
      ],
      embeddings: [],
    });
  });

  it('refuses a tool call whose name changes mid-stream', () => {
    expect(() =>
      assembleDeltas([
        delta(1, { tool_calls: [{ index: 0, name: 'first' }] }),
        delta(2, { tool_calls: [{ index: 0, name: 'other' }] }),
      ]),
    ).toThrow('tool call 0 changed its name mid-stream');
  });

  it('places embeddings by index, and decodes them as little-endian float32', () => {
    const bytes = Buffer.alloc(8);
    bytes.writeFloatLE(0.5, 0);
    bytes.writeFloatLE(-2, 4);
    const { embeddings } = assembleDeltas([
      delta(1, { embedding: { index: 1, b64: 'AAAA' } }),
      delta(2, { embedding: { index: 0, b64: bytes.toString('base64') } }),
    ]);
    expect(embeddings).toEqual([bytes.toString('base64'), 'AAAA']);
    expect(Array.from(float32FromBase64(embeddings[0] as string))).toEqual([0.5, -2]);
  });
});
