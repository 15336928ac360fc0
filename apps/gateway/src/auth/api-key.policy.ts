import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { SwitchyardError } from '@switchyard/contracts';

export interface AccessPolicyConfig {
  api_key_hashes: readonly string[];
  admin_key_hashes: readonly string[];
  allow_unauthenticated_remote: boolean;
}

/** The header some clients (Anthropic's) send their key in instead of a bearer token. */
export const API_KEY_HEADER = 'x-api-key';

export interface AccessRequest {
  path: string;
  authorization: string | undefined;
  /** `x-api-key`, which some clients send instead of a bearer token. */
  apiKey: string | undefined;
  remoteAddress: string | undefined;
}

/** Who is calling, for rate limits. */
export interface Caller {
  id: string;
  /** The SHA-256 hex of the caller's API key, when keys are configured. */
  keyHash?: string;
}

/** Probes answer without a key, so orchestrators can check a gateway that requires one. */
const OPEN_PATHS = new Set(['/healthz', '/readyz']);

/** Routes that start and stop backends: an admin key, always. */
function isAdminPath(path: string): boolean {
  return path === '/admin' || path.startsWith('/admin/');
}

/**
 * Who may call the gateway. With API keys configured, every route but the probes needs one
 * (`Authorization: Bearer <key>` or `x-api-key`), checked by its SHA-256 so the configuration
 * never holds a usable key. Without keys, only loopback clients are served unless
 * `allow_unauthenticated_remote` says otherwise: an open gateway must be a choice, not an accident.
 */
export class AccessPolicy {
  private readonly hashes: ReadonlySet<string>;
  private readonly adminHashes: ReadonlySet<string>;

  constructor(private readonly config: AccessPolicyConfig) {
    this.hashes = new Set(config.api_key_hashes.map((hash) => hash.toLowerCase()));
    this.adminHashes = new Set(config.admin_key_hashes.map((hash) => hash.toLowerCase()));
  }

  /** Who may call, in one line for the start-up log: an open gateway should never go unnoticed. */
  describe(): string {
    if (this.hashes.size > 0) return 'an API key is required';
    if (this.config.allow_unauthenticated_remote) {
      return 'any client, without a key (gateway.allow_unauthenticated_remote)';
    }
    return 'local clients only: no API keys (set gateway.api_key_hashes to serve others)';
  }

  /**
   * Throws `unauthorized` or `forbidden` when the request may not proceed. Returns who is
   * calling (the key's hash, or the client's address without keys), or `undefined` for the
   * open probes, which nothing limits.
   */
  check(request: AccessRequest): Caller | undefined {
    const path = request.path.split('?')[0] ?? '';
    if (OPEN_PATHS.has(path)) return undefined;
    if (isAdminPath(path)) return this.checkAdmin(request);
    if (this.hashes.size > 0) {
      const hash = presentedKeyHash(request, 'an API key');
      if (!this.hashes.has(hash)) {
        throw new SwitchyardError('unauthorized', 'the API key is not valid');
      }
      return { id: `key:${hash}`, keyHash: hash };
    }
    if (!this.config.allow_unauthenticated_remote && !isLoopback(request.remoteAddress)) {
      throw new SwitchyardError(
        'forbidden',
        'this gateway has no API keys and serves only local clients; configure gateway.api_key_hashes or gateway.allow_unauthenticated_remote',
      );
    }
    return { id: `addr:${request.remoteAddress ?? 'unknown'}` };
  }

  /**
   * Admin routes need an admin key (`gateway.admin_key_hashes`) whatever else is configured:
   * with none configured they are off, even for loopback clients.
   */
  private checkAdmin(request: AccessRequest): Caller {
    if (this.adminHashes.size === 0) {
      throw new SwitchyardError(
        'forbidden',
        'admin routes are off: configure gateway.admin_key_hashes to use them',
      );
    }
    const hash = presentedKeyHash(request, 'an admin key');
    if (!this.adminHashes.has(hash)) {
      throw this.hashes.has(hash)
        ? new SwitchyardError('forbidden', 'this API key is not an admin key')
        : new SwitchyardError('unauthorized', 'the admin key is not valid');
    }
    return { id: `admin:${hash}`, keyHash: hash };
  }
}

/** The SHA-256 of the key the request carries, or `unauthorized` naming what it lacks. */
function presentedKeyHash(request: AccessRequest, what: string): string {
  const key = bearerToken(request.authorization) ?? request.apiKey;
  if (key === undefined || key.length === 0) {
    throw new SwitchyardError('unauthorized', `${what} is required (Authorization: Bearer <key>)`);
  }
  return sha256Hex(key);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1]?.trim();
}

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (isIP(plain) === 4) return plain.startsWith('127.');
  return plain === '::1';
}
