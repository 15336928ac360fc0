import { describe, expect, it } from '@jest/globals';
import { SwitchyardError } from '@switchyard/contracts';
import { AccessPolicy, isLoopback, sha256Hex } from './api-key.policy.js';

const KEY = 'sk-switchyard-test';
const ADMIN_KEY = 'sk-switchyard-admin';
const request = {
  path: '/v1/models',
  authorization: undefined,
  apiKey: undefined,
  remoteAddress: '127.0.0.1',
};

function codeOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as SwitchyardError).code;
  }
}

describe('access policy', () => {
  const keyed = new AccessPolicy({
    api_key_hashes: [sha256Hex(KEY)],
    admin_key_hashes: [sha256Hex(ADMIN_KEY)],
    allow_unauthenticated_remote: false,
  });
  const open = new AccessPolicy({
    api_key_hashes: [],
    admin_key_hashes: [],
    allow_unauthenticated_remote: false,
  });
  const remoteOk = new AccessPolicy({
    api_key_hashes: [],
    admin_key_hashes: [],
    allow_unauthenticated_remote: true,
  });

  it('with keys: accepts the right key as bearer or x-api-key, refuses others, even from loopback', () => {
    expect(
      codeOf(() => keyed.check({ ...request, authorization: `Bearer ${KEY}` })),
    ).toBeUndefined();
    expect(
      codeOf(() => keyed.check({ ...request, apiKey: KEY, remoteAddress: '10.0.0.1' })),
    ).toBeUndefined();
    expect(codeOf(() => keyed.check(request))).toBe('unauthorized');
    expect(codeOf(() => keyed.check({ ...request, authorization: 'Bearer nope' }))).toBe(
      'unauthorized',
    );
    expect(codeOf(() => keyed.check({ ...request, authorization: KEY }))).toBe('unauthorized');
  });

  it('says who may call, for the start-up log', () => {
    expect(keyed.describe()).toBe('an API key is required');
    expect(open.describe()).toBe(
      'local clients only: no API keys (set gateway.api_key_hashes to serve others)',
    );
    expect(remoteOk.describe()).toBe(
      'any client, without a key (gateway.allow_unauthenticated_remote)',
    );
  });

  it('leaves the probes open', () => {
    expect(codeOf(() => keyed.check({ ...request, path: '/healthz' }))).toBeUndefined();
    expect(
      codeOf(() => open.check({ ...request, path: '/readyz', remoteAddress: '10.0.0.1' })),
    ).toBeUndefined();
  });

  it('without keys: serves loopback only, unless remote access is allowed', () => {
    expect(codeOf(() => open.check(request))).toBeUndefined();
    expect(
      codeOf(() => open.check({ ...request, remoteAddress: '::ffff:127.0.0.1' })),
    ).toBeUndefined();
    expect(codeOf(() => open.check({ ...request, remoteAddress: '192.168.1.5' }))).toBe(
      'forbidden',
    );
    expect(
      codeOf(() => remoteOk.check({ ...request, remoteAddress: '192.168.1.5' })),
    ).toBeUndefined();
  });

  it('admin routes: an admin key only; an API key is forbidden; off without admin keys', () => {
    const admin = { ...request, path: '/admin/backends' };
    expect(
      codeOf(() => keyed.check({ ...admin, authorization: `Bearer ${ADMIN_KEY}` })),
    ).toBeUndefined();
    expect(codeOf(() => keyed.check({ ...admin, authorization: `Bearer ${KEY}` }))).toBe(
      'forbidden',
    );
    expect(codeOf(() => keyed.check(admin))).toBe('unauthorized');
    expect(codeOf(() => keyed.check({ ...admin, authorization: 'Bearer nope' }))).toBe(
      'unauthorized',
    );
    // An admin key is not an API key.
    expect(codeOf(() => keyed.check({ ...request, authorization: `Bearer ${ADMIN_KEY}` }))).toBe(
      'unauthorized',
    );
    expect(codeOf(() => open.check(admin))).toBe('forbidden');
    expect(codeOf(() => open.check({ ...admin, path: '/admin/backends/x/start?y' }))).toBe(
      'forbidden',
    );
  });

  it('knows loopback addresses', () => {
    expect(['127.0.0.1', '127.8.0.1', '::1', '::ffff:127.0.0.1'].every(isLoopback)).toBe(true);
    expect(
      ['10.0.0.1', '::ffff:10.0.0.1', 'fe80::1', 'localhost', undefined].some(isLoopback),
    ).toBe(false);
  });
});
