/**
 * Routes of the OpenAI and Ollama APIs that Switchyard knowingly does not serve, with what to do
 * instead: a client that calls one hears that, not just that the route does not exist.
 */
const NOT_SERVED: readonly (readonly [RegExp, string])[] = [
  [
    /^\/v1\/responses\/(input_tokens|compact)(\/|$)/,
    'counting input tokens and compacting conversations are not served: each answer’s usage counts its tokens',
  ],
  [
    /^\/v1\/messages\/(count_tokens|batches)(\/|$)/,
    "Anthropic's token counting and message batches are not served: each answer's usage counts its tokens",
  ],
  [
    // Every resource of the official client that keeps state or runs on OpenAI's side.
    /^\/v1\/(assistants|threads|files|uploads|batches|fine_tuning|vector_stores|realtime|conversations|containers|evals|skills|chatkit|organization)(\/|$)/,
    "OpenAI's hosted-platform APIs are not served: Switchyard serves chat, completions, responses, embeddings and models",
  ],
  [
    /^\/v1\/(images|videos|audio|moderations)(\/|$)/,
    'image, video, audio and moderation APIs are not served: Switchyard serves chat, completions, responses, embeddings and models',
  ],
  [
    /^\/api\/(create|push|blobs)(\/|$)/,
    'creating and pushing models is not served: run it against an Ollama backend directly, then it is listed here',
  ],
];

/** What to tell a client that called `url`, a route not served on purpose, or `undefined`. */
export function notServedMessage(url: string): string | undefined {
  const path = url.split('?', 1)[0] ?? url;
  const hint = NOT_SERVED.find(([pattern]) => pattern.test(path))?.[1];
  return hint === undefined ? undefined : `${path}: ${hint}`;
}
