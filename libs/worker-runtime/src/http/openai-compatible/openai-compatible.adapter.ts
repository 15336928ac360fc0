import {
  SwitchyardError,
  type ChatRequest,
  type CompletionRequest,
  type EmbeddingRequest,
  type ModelInfo,
} from '@switchyard/contracts';
import type { BackendAdapter, BackendEndpoint, GenerationEvent } from '../../backend-adapter.js';
import type { BackendManagement } from '../../management/backend-management.js';
import type { BackendErrorTranslator } from '../backend-errors.js';
import { lazily, RetriedBeforeFirst } from '../../event-sources.js';
import { embedInSlices } from '../../embedding-slices.js';
import { echoingPrompt } from '../../prompt-echo.js';
import { BackendHttpClient, type BackendHttpClientOptions } from '../backend-http.client.js';
import { completionAsChat } from './openai-completion-chat.js';
import { openAiEmbeddingEvents } from './openai-embeddings.js';
import { openAiGeneration, type OpenAiGenerationCall } from './openai-generation.js';

/**
 * What sets one OpenAI-compatible server apart from another: where its routes are, how its
 * request bodies differ, how it reports errors. Everything else about calling it is shared.
 */
export interface OpenAiDialect {
  /** The server's name in messages (`vLLM`, `LM Studio`). */
  readonly name: string;
  readonly paths: { readonly chat: string; readonly completion: string; readonly embed: string };
  readonly translateError: BackendErrorTranslator;
  chatBody(request: ChatRequest): Record<string, unknown>;
  completionBody(request: CompletionRequest): Record<string, unknown>;
  embeddingBody(request: EmbeddingRequest): Record<string, unknown>;
  /**
   * Whether its completions echo the prompt themselves when asked (`echo`, with the prompt's
   * log-probabilities); else the adapter echoes the text alone (`echoingPrompt`).
   */
  readonly echoesPrompt: boolean;
  /** What a whole (non-streamed) answer's events become, for a server that reports more there. */
  readonly withAnswer?: OpenAiGenerationCall['withAnswer'];
  /**
   * Whether the server refuses a `max_tokens` the prompt leaves no room for (vLLM: prompt plus
   * `max_tokens` above `max_model_len` is a 400) where the other kinds stop generating at the
   * end of the context. See {@link OpenAiCompatibleAdapter}'s `generate`.
   */
  readonly refusesMaxTokensBeyondContext?: boolean;
}

/**
 * The adapter of a server that speaks OpenAI's API (vLLM, LM Studio): chat and completions
 * through {@link openAiGeneration} (a completion with a system prompt, structured output or a
 * reasoning effort as a chat: {@link completionAsChat}), embeddings as one JSON answer, one
 * pooled HTTP client.
 * A subclass names its kind, its dialect, how it lists models and what it can manage.
 */
export abstract class OpenAiCompatibleAdapter implements BackendAdapter {
  abstract readonly kind: BackendAdapter['kind'];
  abstract readonly defaultMaxConcurrency: number;
  abstract readonly management: BackendManagement;
  /** The client, shared with the kind's model management functions. */
  readonly http: BackendHttpClient;

  protected constructor(
    private readonly dialect: OpenAiDialect,
    options: Omit<BackendHttpClientOptions, 'translateError'>,
  ) {
    this.http = new BackendHttpClient(
      Object.assign({}, options, { translateError: dialect.translateError }),
    );
  }

  abstract listModels(endpoint: BackendEndpoint, signal: AbortSignal): Promise<ModelInfo[]>;

  // Lazily, so that a request the dialect refuses fails when read, as every other failure.
  chat(
    endpoint: BackendEndpoint,
    request: ChatRequest,
    signal: AbortSignal,
  ): AsyncIterable<GenerationEvent> {
    return lazily(() =>
      this.generate(endpoint, signal, {
        path: this.dialect.paths.chat,
        json: this.dialect.chatBody(request),
        mode: 'chat',
        logprobs: request.logprobs,
      }),
    );
  }

  async *complete(
    endpoint: BackendEndpoint,
    request: CompletionRequest,
    signal: AbortSignal,
  ): AsyncGenerator<GenerationEvent> {
    const asChat = completionAsChat(request, this.dialect.name);
    if (asChat !== undefined) {
      // A chat does not echo: the prompt's text is put first here.
      const server = `${this.dialect.name} chats`;
      yield* echoingPrompt(request, server, () => this.chat(endpoint, asChat, signal));
      return;
    }
    const generation = () =>
      this.generate(endpoint, signal, {
        path: this.dialect.paths.completion,
        json: this.dialect.completionBody(request),
        mode: 'completion',
        logprobs: request.logprobs,
      });
    // A server that echoes has `echo` in its body (see the dialect's `completionBody`).
    yield* this.dialect.echoesPrompt
      ? generation()
      : echoingPrompt(request, this.dialect.name, generation);
  }

  async *embed(
    endpoint: BackendEndpoint,
    request: EmbeddingRequest,
    signal: AbortSignal,
  ): AsyncGenerator<GenerationEvent> {
    // A big batch goes in slices, so that no answer is too big to read whole.
    yield* embedInSlices(request, async (slice) => {
      const json = this.dialect.embeddingBody(slice);
      const path = this.dialect.paths.embed;
      const answer = await this.http.json(endpoint, { path, json, signal });
      return openAiEmbeddingEvents(answer, slice.input.length);
    });
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  /**
   * A generation; on a server that refuses a `max_tokens` beyond what the context has left, a
   * refused one is asked again without it, so that the answer stops at the end of the context,
   * as on Ollama or LM Studio: `max_tokens` is a cap, and clients of APIs that require one send
   * a large one whatever the model (Claude Code asks for 32,000 on every request). Without it
   * the server gives what is left of the context, which is less than was asked, since asking
   * for it overflowed. A prompt too long for the context alone fails the second time too, with
   * the server's error; anything already streamed is never asked for again.
   */
  private generate(
    endpoint: BackendEndpoint,
    signal: AbortSignal,
    call: Pick<OpenAiGenerationCall, 'path' | 'json' | 'mode' | 'logprobs'>,
  ): AsyncIterable<GenerationEvent> {
    if (!this.dialect.refusesMaxTokensBeyondContext || call.json['max_tokens'] === undefined) {
      return this.generation(endpoint, signal, call);
    }
    return new RetriedBeforeFirst(
      () => this.generation(endpoint, signal, call),
      (error) => {
        if (!(error instanceof SwitchyardError) || error.code !== 'context_length_exceeded') {
          return undefined;
        }
        const { max_tokens: _refused, ...json } = call.json;
        return this.generation(endpoint, signal, Object.assign({}, call, { json }));
      },
    );
  }

  private generation(
    endpoint: BackendEndpoint,
    signal: AbortSignal,
    call: Pick<OpenAiGenerationCall, 'path' | 'json' | 'mode' | 'logprobs'>,
  ): AsyncIterable<GenerationEvent> {
    const { translateError, withAnswer } = this.dialect;
    return openAiGeneration(
      this.http,
      endpoint,
      Object.assign(
        {},
        call,
        { signal, translateError },
        withAnswer === undefined ? {} : { withAnswer },
      ),
    );
  }
}
