import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJsonObject, readBody } from './http-io.js';
import type { SimContext } from './sim-context.js';

/** Everything a route handler gets for one request. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly params: Record<string, string>;
  /** Aborts when the client closes the connection before the response ended. */
  readonly signal: AbortSignal;
  readonly sim: SimContext;
  /** process.hrtime in ns at arrival. */
  readonly arrivedNs: number;
  body(): Promise<Buffer>;
  /** The body as a JSON object; throws RequestBodyError (each kind words it its own way). */
  json(): Promise<Record<string, unknown>>;
}

export type Handler = (ctx: RequestContext) => void | Promise<void>;

export interface Route {
  methods: readonly string[];
  /** A literal path, or segments with `:name` (one segment) and a final `*name` (the rest). */
  path: string;
  handler: Handler;
}

export const route = (methods: string | string[], path: string, handler: Handler): Route => ({
  methods: typeof methods === 'string' ? [methods] : methods,
  path,
  handler,
});

export type RouteMatch =
  | { kind: 'found'; handler: Handler; params: Record<string, string> }
  | { kind: 'method_not_allowed' }
  | { kind: 'not_found' };

/** Literal paths are one map lookup (the hot path); patterned ones are tried in order. */
export class Router {
  private readonly literal = new Map<string, Map<string, Handler>>();
  private readonly patterned: { segments: string[]; methods: Map<string, Handler> }[] = [];

  constructor(routes: readonly Route[]) {
    for (const entry of routes) {
      let methods: Map<string, Handler> | undefined;
      if (!/[:*]/.test(entry.path)) {
        methods = this.literal.get(entry.path);
        if (!methods) this.literal.set(entry.path, (methods = new Map()));
      } else {
        const segments = entry.path.split('/');
        const existing = this.patterned.find((p) => p.segments.join('/') === entry.path);
        methods = existing?.methods ?? new Map();
        if (!existing) this.patterned.push({ segments, methods });
      }
      for (const method of entry.methods) methods.set(method, entry.handler);
    }
  }

  match(method: string, path: string): RouteMatch {
    const literal = this.literal.get(path);
    if (literal) return pick(literal, method, {});
    const parts = path.split('/');
    for (const { segments, methods } of this.patterned) {
      const params = matchSegments(segments, parts);
      if (params) return pick(methods, method, params);
    }
    return { kind: 'not_found' };
  }
}

function pick(
  methods: Map<string, Handler>,
  method: string,
  params: Record<string, string>,
): RouteMatch {
  const handler = methods.get(method);
  return handler ? { kind: 'found', handler, params } : { kind: 'method_not_allowed' };
}

function matchSegments(segments: string[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    if (segment.startsWith('*')) {
      const rest = parts.slice(i).join('/');
      if (!rest) return undefined;
      params[segment.slice(1)] = decodeURIComponent(rest);
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (segment.startsWith(':')) {
      if (!part) return undefined;
      params[segment.slice(1)] = decodeURIComponent(part);
    } else if (segment !== part) {
      return undefined;
    }
  }
  return segments.length === parts.length ? params : undefined;
}

/** Builds the context of one request; the body is read at most once, on first use. */
export function createRequestContext(
  req: IncomingMessage,
  res: ServerResponse,
  sim: SimContext,
  signal: AbortSignal,
  params: Record<string, string>,
  path: string,
  rawQuery: string,
): RequestContext {
  let body: Promise<Buffer> | undefined;
  let query: URLSearchParams | undefined;
  const read = () => (body ??= readBody(req));
  return {
    req,
    res,
    method: req.method ?? 'GET',
    path,
    get query() {
      return (query ??= new URLSearchParams(rawQuery));
    },
    params,
    signal,
    sim,
    arrivedNs: Number(process.hrtime.bigint()),
    body: read,
    json: async () => parseJsonObject(await read()),
  };
}
