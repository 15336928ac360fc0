/** What one OpenAI chat stream carried, as the client saw it. */
export interface StreamState {
  text: string;
  /** Chunks with non-empty `delta.content`. */
  chunks: number;
  finishReason: string | null;
  done: boolean;
  error: string | null;
}

/**
 * An incremental parser of OpenAI chat-completion SSE: feed it the body as it arrives; it calls
 * `onContent` for each content chunk (so the caller can time it) and keeps the assembled state.
 */
export class ChatStreamParser {
  readonly state: StreamState = {
    text: '',
    chunks: 0,
    finishReason: null,
    done: false,
    error: null,
  };
  private buffer = '';

  constructor(private readonly onContent: (content: string) => void = () => undefined) {}

  feed(text: string): void {
    this.buffer += text;
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline).trimEnd();
      this.buffer = this.buffer.slice(newline + 1);
      if (line.startsWith('data:')) this.event(line.slice(5).trim());
      newline = this.buffer.indexOf('\n');
    }
  }

  private event(data: string): void {
    if (data === '[DONE]') {
      this.state.done = true;
      return;
    }
    let chunk: ChatChunk;
    try {
      chunk = JSON.parse(data) as ChatChunk;
    } catch {
      this.state.error ??= 'unparseable chunk';
      return;
    }
    if (chunk.error !== undefined) {
      this.state.error ??= 'error event';
      return;
    }
    const choice = chunk.choices?.[0];
    const content = choice?.delta?.content;
    if (typeof content === 'string' && content.length > 0) {
      this.state.text += content;
      this.state.chunks += 1;
      this.onContent(content);
    }
    if (typeof choice?.finish_reason === 'string') this.state.finishReason = choice.finish_reason;
  }
}

interface ChatChunk {
  error?: unknown;
  choices?: { delta?: { content?: unknown }; finish_reason?: unknown }[];
}
