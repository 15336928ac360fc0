import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { SwitchyardError } from '@switchyard/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { callsAnthropic } from '../anthropic/anthropic-callers.js';
import {
  fromHttpFrameworkError,
  renderAnthropicError,
  renderOllamaError,
  renderOpenAIError,
  type RenderedError,
} from './error-envelopes.js';
import { notServedMessage } from './not-served-routes.js';
import { requestIdOf } from './request-id.js';

/** Every error any route throws, in the envelope of the API the client called. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendError(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), exception);
  }
}

/** Renders `exception` on `reply`, unless the answer has already started (then it just ends). */
export function sendError(request: FastifyRequest, reply: FastifyReply, exception: unknown): void {
  if (reply.sent || reply.raw.headersSent) {
    if (!reply.raw.writableEnded) reply.raw.end();
    return;
  }
  const error = explained(request.url, overLimit(request, toSwitchyardError(exception)));
  const rendered = renderFor(request, error);
  if (error.code === 'internal') request.log.error({ err: exception }, 'request failed');
  void reply.code(rendered.status).headers(rendered.headers).send(rendered.body);
}

/**
 * The envelope of the API the client called: Ollama's on its paths, Anthropic's on the Messages
 * API and for Anthropic's clients on the routes both APIs share (`/v1/models`), OpenAI's else.
 */
function renderFor(request: FastifyRequest, error: SwitchyardError): RenderedError {
  const { url, headers } = request;
  if (isOllamaPath(url)) return renderOllamaError(error);
  return callsAnthropic(url, headers)
    ? renderAnthropicError(error, requestIdOf(request))
    : renderOpenAIError(error);
}

function isOllamaPath(url: string): boolean {
  return url === '/' || url.startsWith('/api/') || url === '/api';
}

/** A route that does not exist, told apart from one that is not served on purpose. */
function explained(url: string, error: SwitchyardError): SwitchyardError {
  const message = error.code === 'not_found' ? notServedMessage(url) : undefined;
  return message === undefined
    ? error
    : new SwitchyardError('not_found', message, { cause: error });
}

/**
 * Fastify's own words for a body over the route's limit ("Request body is too large") say
 * neither the limit nor where it is set: the client learns how much it may send, the operator
 * which field to raise.
 */
function overLimit(request: FastifyRequest, error: SwitchyardError): SwitchyardError {
  if (error.code !== 'payload_too_large' || !causedBy(error, BODY_TOO_LARGE)) return error;
  const limit = request.routeOptions.bodyLimit;
  return new SwitchyardError(
    'payload_too_large',
    `the request body is over the gateway's limit of ${limit} bytes ` +
      '(gateway.body_limit_bytes): send less, or raise the limit',
    { cause: error },
  );
}

/** Fastify's code for a body over the route's `bodyLimit`. */
const BODY_TOO_LARGE = 'FST_ERR_CTP_BODY_TOO_LARGE';

function causedBy(error: unknown, code: string): boolean {
  for (let at: unknown = error; at instanceof Error; at = at.cause) {
    if ((at as { code?: unknown }).code === code) return true;
  }
  return false;
}

function toSwitchyardError(exception: unknown): SwitchyardError {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return fromHttpFrameworkError(
      Object.assign(new Error(exception.message, { cause: exception }), { statusCode: status }),
    );
  }
  return fromHttpFrameworkError(exception);
}
