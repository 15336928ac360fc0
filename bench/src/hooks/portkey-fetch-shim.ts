// Preloaded into the Portkey process. Portkey 1.15 on Node 20 fails every streamed answer with
// "TypeError: immutable": it wraps the upstream fetch() Response in @hono/node-server's
// lightweight Response, which keeps the upstream's (immutable) Headers, then appends its own
// headers to them. Copying the upstream headers into a fresh, mutable Headers object is the
// smallest change that lets Portkey stream; it costs one object per request.
const NativeResponse = globalThis.Response;
const nativeFetch = globalThis.fetch;

globalThis.fetch = async (input, init) => {
  const response = await nativeFetch(input, init);
  return new NativeResponse(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: new Headers(response.headers),
  });
};
