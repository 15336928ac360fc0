import { SwitchyardError } from '@switchyard/contracts';
import { API_KEY_HEADER } from '../auth/api-key.policy.js';
import { RETRY_AFTER_HEADER } from './error-envelopes.js';
import { REQUEST_ID_HEADER } from './request-id.js';
import { OVERHEAD_HEADER } from './response-streams.js';

/** Headers a browser may read from an answer besides the CORS-safelisted ones. */
const EXPOSED_HEADERS = [REQUEST_ID_HEADER, OVERHEAD_HEADER, RETRY_AFTER_HEADER].join(', ');
const ALLOWED_METHODS = 'GET, HEAD, POST, PUT, DELETE, OPTIONS';
/** What a preflight may ask for when it names no headers; otherwise its own list is granted. */
const DEFAULT_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  API_KEY_HEADER,
  REQUEST_ID_HEADER,
].join(', ');
/** How long a browser may reuse a preflight's answer. */
const PREFLIGHT_MAX_AGE_S = 600;

/** What the gateway does with a request that carries an `Origin` header. */
export type CorsDecision =
  | { type: 'refused'; error: SwitchyardError }
  | { type: 'preflight'; headers: Record<string, string> }
  | { type: 'allowed'; headers: Record<string, string> };

/**
 * Which browser origins may call the gateway (`gateway.cors_origins`): `*` for any, or
 * patterns where `*` stands for any run of characters (`http://localhost:*`).
 *
 * A request from any other origin is refused with 403, as Ollama refuses it, not just left
 * without CORS headers: the gateway reads every body as JSON whatever its content type, so a
 * page elsewhere could otherwise make a visitor's browser send it work as a "simple" request
 * that needs no preflight.
 */
export class CorsPolicy {
  private readonly patterns: RegExp[];

  constructor(origins: readonly string[]) {
    this.patterns = origins.map(
      (origin) => new RegExp(`^${origin.split('*').map(escapeRegExp).join('.*')}$`, 'i'),
    );
  }

  allows(origin: string): boolean {
    return this.patterns.some((pattern) => pattern.test(origin));
  }

  decide(request: {
    origin: string;
    method: string;
    preflightMethod: string | undefined;
    preflightHeaders: string | undefined;
  }): CorsDecision {
    const { origin } = request;
    if (!this.allows(origin)) {
      return {
        type: 'refused',
        error: new SwitchyardError(
          'forbidden',
          `requests from the origin ${origin} are not allowed: add it to gateway.cors_origins`,
        ),
      };
    }
    const headers: Record<string, string> = {
      'access-control-allow-origin': origin,
      vary: 'Origin',
    };
    if (request.method === 'OPTIONS' && request.preflightMethod !== undefined) {
      return {
        type: 'preflight',
        headers: Object.assign({}, headers, {
          'access-control-allow-methods': ALLOWED_METHODS,
          'access-control-allow-headers': request.preflightHeaders ?? DEFAULT_ALLOWED_HEADERS,
          'access-control-max-age': String(PREFLIGHT_MAX_AGE_S),
        }),
      };
    }
    return {
      type: 'allowed',
      headers: Object.assign({}, headers, { 'access-control-expose-headers': EXPOSED_HEADERS }),
    };
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
