import { describe, expect, it } from '@jest/globals';
import { completionLogprobEntries, tokenLogprobEntries } from './token-logprobs.translator.js';

describe('tokenLogprobEntries', () => {
  it('keeps token, log-probability, bytes and alternatives, dropping nulls and extra fields', () => {
    expect(
      tokenLogprobEntries([
        {
          token: 'Hi',
          logprob: -0.5,
          bytes: [72, 105],
          extra: 1,
          top_logprobs: [
            { token: 'Hi', logprob: -0.5, bytes: null },
            { token: 'Yo', logprob: -2, bytes: [89, 111] },
          ],
        },
        { token: '!', logprob: -1, bytes: null, top_logprobs: null },
      ]),
    ).toEqual([
      {
        token: 'Hi',
        logprob: -0.5,
        bytes: [72, 105],
        top_logprobs: [
          { token: 'Hi', logprob: -0.5 },
          { token: 'Yo', logprob: -2, bytes: [89, 111] },
        ],
      },
      { token: '!', logprob: -1 },
    ]);
  });

  it('limits the alternatives to the count asked for', () => {
    const entry = {
      token: 'a',
      logprob: -1,
      top_logprobs: [
        { token: 'a', logprob: -1 },
        { token: 'b', logprob: -2 },
        { token: 'c', logprob: -3 },
      ],
    };
    expect(tokenLogprobEntries([entry], 1)?.[0]?.top_logprobs).toEqual([
      { token: 'a', logprob: -1 },
    ]);
    expect(tokenLogprobEntries([entry], 0)?.[0]?.top_logprobs).toEqual([]);
  });

  it('gives none for none, and none for a list with a malformed entry rather than misplaced ones', () => {
    for (const raw of [undefined, null, [], {}, 'x'])
      expect(tokenLogprobEntries(raw)).toBeUndefined();
    expect(
      tokenLogprobEntries([
        { token: 'a', logprob: -1 },
        { token: 'b' },
        { token: 'c', logprob: -1 },
      ]),
    ).toBeUndefined();
  });
});

describe('completionLogprobEntries', () => {
  it('pairs the lists, sorting each dict of alternatives most likely first and limiting it', () => {
    expect(
      completionLogprobEntries(
        {
          tokens: [' a', ' b'],
          token_logprobs: [-1, -2],
          top_logprobs: [{ ' x': -3, ' a': -1, ' y': -0.5 }, null],
          text_offset: [0, 2],
        },
        2,
      ),
    ).toEqual([
      {
        token: ' a',
        logprob: -1,
        top_logprobs: [
          { token: ' y', logprob: -0.5 },
          { token: ' a', logprob: -1 },
        ],
      },
      { token: ' b', logprob: -2 },
    ]);
  });

  it("takes an echoed prompt's first token without a log-probability or alternatives", () => {
    expect(
      completionLogprobEntries({
        tokens: ['Once', ' upon', ' a'],
        token_logprobs: [null, -2.5, -0.1],
        top_logprobs: [null, { ' upon': -2.5 }, { ' a': -0.1, ' the': -3 }],
      }),
    ).toEqual([
      { token: 'Once', logprob: null },
      { token: ' upon', logprob: -2.5, top_logprobs: [{ token: ' upon', logprob: -2.5 }] },
      {
        token: ' a',
        logprob: -0.1,
        top_logprobs: [
          { token: ' a', logprob: -0.1 },
          { token: ' the', logprob: -3 },
        ],
      },
    ]);
  });

  it('gives none for none, and none when a position after the first has no log-probability', () => {
    for (const raw of [undefined, null, {}, { tokens: [], token_logprobs: [] }]) {
      expect(completionLogprobEntries(raw)).toBeUndefined();
    }
    expect(
      completionLogprobEntries({ tokens: [' a', ' b'], token_logprobs: [-1, null] }),
    ).toBeUndefined();
  });
});
