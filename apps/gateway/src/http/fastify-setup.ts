import { ERROR_CATALOGUE, type ErrorCode, type SwitchyardConfig } from '@switchyard/contracts';
import type { FastifyInstance } from 'fastify';
import { ANTHROPIC_REQUEST_ID_HEADER, callsAnthropic } from '../anthropic/anthropic-callers.js';
import { AccessPolicy, API_KEY_HEADER } from '../auth/api-key.policy.js';
import { RateLimiter } from '../auth/rate-limiter.js';
import { noteCaller } from '../auth/request-caller.js';
import type { GatewayMetrics } from '../metrics/gateway-metrics.service.js';
import { sendError } from './api-exception.filter.js';
import { boundStalledReaders } from './response-streams.js';
import { CorsPolicy } from './cors-policy.js';
import { nestingExceeds } from './json-nesting.js';
import { REQUEST_ID_HEADER } from './request-id.js';
import { markStart, modelOf, streamFailureOf } from './request-timing.js';

/**
 * Deeper JSON than any real request needs (a tool's schema is a few levels) would overflow the
 * stack of the recursive code that checks and encodes it: refused up front as a bad request.
 */
const MAX_JSON_DEPTH = 128;

/** What a request whose client left before its answer is counted as: `cancelled`'s 499. */
const CLIENT_CLOSED_REQUEST = ERROR_CATALOGUE.cancelled.httpStatus;
const CANCELLED: ErrorCode = 'cancelled';

/** Scrapes are the monitoring system's business, not a caller's budget. */
const UNLIMITED_PATHS = new Set(['/metrics']);

/**
 * What happens to every request before a controller sees it: the body limit, JSON parsing, the
 * request id header, request metrics, browser origins (CORS), the access check and rate limits. Runs before Nest registers routes.
 */
export function configureFastify(
  fastify: FastifyInstance,
  config: SwitchyardConfig['gateway'],
  metrics: GatewayMetrics,
): void {
  fastify.addHook('onRoute', (route) => {
    route.bodyLimit = config.body_limit_bytes;
  });
  acceptJsonWhateverTheContentType(fastify);
  // A client that reads none of a streamed answer is given up on as a silent worker is.
  boundStalledReaders(fastify.server, config.stream_idle_timeout_ms);
  const access = new AccessPolicy(config);
  const limiter = config.rate_limit === undefined ? undefined : new RateLimiter(config.rate_limit);
  const cors = new CorsPolicy(config.cors_origins);
  fastify.addHook('onRequest', async (request, reply) => {
    markStart(request.raw);
    reply.header(REQUEST_ID_HEADER, request.id);
    if (callsAnthropic(request.url, request.headers)) {
      reply.header(ANTHROPIC_REQUEST_ID_HEADER, request.id);
    }
    // `close` also fires for streamed (hijacked) answers, which skip Fastify's own hooks.
    reply.raw.once('close', () => {
      const route = request.routeOptions.url ?? 'unmatched';
      // A client that left before any answer was sent: the status set so far is nobody's.
      const status = reply.raw.headersSent ? reply.raw.statusCode : CLIENT_CLOSED_REQUEST;
      // One that left after it, before the end: the status went out, the answer did not.
      const leftEarly = reply.raw.headersSent && !reply.raw.writableFinished;
      const failure = streamFailureOf(request.raw) ?? (leftEarly ? CANCELLED : undefined);
      metrics.request(route, modelOf(request.raw), status, failure);
    });
    // Browsers first: a preflight carries no credentials, so it is answered before the key check.
    const origin = request.headers.origin;
    if (origin !== undefined) {
      const decision = cors.decide({
        origin,
        method: request.method,
        preflightMethod: headerValue(request.headers['access-control-request-method']),
        preflightHeaders: headerValue(request.headers['access-control-request-headers']),
      });
      if (decision.type === 'refused') {
        sendError(request, reply, decision.error);
        return reply;
      }
      reply.headers(decision.headers);
      if (decision.type === 'preflight') {
        await reply.code(204).send();
        return reply;
      }
    }
    // The route Fastify matched, not the raw URL: the router decodes the path (`/%61dmin`
    // reaches the admin routes), so a check on the raw text could be walked around.
    const path = request.routeOptions.url ?? request.url;
    try {
      const caller = access.check({
        path,
        authorization: request.headers.authorization,
        apiKey: headerValue(request.headers[API_KEY_HEADER]),
        remoteAddress: request.socket.remoteAddress,
      });
      if (caller !== undefined && !UNLIMITED_PATHS.has(path)) {
        noteCaller(request.raw, caller);
        limiter?.take(caller.id, caller.keyHash);
      }
    } catch (error) {
      sendError(request, reply, error);
      return reply;
    }
    return undefined;
  });
}

/**
 * Ollama reads every body as JSON whatever its content type, and its documented usage is
 * `curl … -d '{…}'`, which says `application/x-www-form-urlencoded`; OpenAI clients say
 * `application/json`. So every body is parsed as JSON, and bad JSON is a 400.
 */
function acceptJsonWhateverTheContentType(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    if (nestingExceeds(text, MAX_JSON_DEPTH)) {
      const message = `the body is JSON nested deeper than ${MAX_JSON_DEPTH} levels`;
      done(Object.assign(new Error(message), { statusCode: 400 }), undefined);
      return;
    }
    try {
      done(null, JSON.parse(text) as unknown);
    } catch (error) {
      const message = `the body is not valid JSON: ${(error as Error).message}`;
      done(Object.assign(new Error(message), { statusCode: 400 }), undefined);
    }
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
