/**
 * The canonical request's `stream` field for an HTTP request: absent when the client streams;
 * `false` when the gateway joins the answer before replying, so the worker may ask its backend
 * for one body instead of reading a token-by-token stream.
 */
export function canonicalStream(clientStreams: boolean): false | undefined {
  return clientStreams ? undefined : false;
}
