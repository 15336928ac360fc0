import { describe, expect, it } from '@jest/globals';
import { ChatStreamParser } from './sse.js';

const chunk = (content: string, finish: string | null = null): string =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;

describe('ChatStreamParser', () => {
  it('assembles content chunks fed in arbitrary pieces, in order, and sees the end', () => {
    const seen: string[] = [];
    const parser = new ChatStreamParser((content) => seen.push(content));
    const body =
      chunk('') + chunk('alpha') + chunk(' beta') + chunk('', 'stop') + 'data: [DONE]\n\n';
    for (let i = 0; i < body.length; i += 7) parser.feed(body.slice(i, i + 7));
    expect(seen).toEqual(['alpha', ' beta']);
    expect(parser.state).toEqual({
      text: 'alpha beta',
      chunks: 2,
      finishReason: 'stop',
      done: true,
      error: null,
    });
  });

  it('reports an in-band error event and a stream that never finished', () => {
    const parser = new ChatStreamParser();
    parser.feed(chunk('alpha') + 'data: {"error":{"message":"backend went away"}}\n\n');
    expect(parser.state.error).toBe('error event');
    expect(parser.state.done).toBe(false);
    expect(parser.state.finishReason).toBeNull();
  });
});
