import { describe, expect, it } from '@jest/globals';
import { environmentOverrides } from './environment-overrides.js';
import { resolveConfig } from './load-config.js';

describe('environment overrides', () => {
  it('keep a text field as text, however much it looks like a number or a boolean', () => {
    const config = resolveConfig(
      { backends: [{ id: 'vllm-1', kind: 'vllm', url: 'http://127.0.0.1:8000' }] },
      {
        SWITCHYARD_NATS__USER: '1000',
        SWITCHYARD_NATS__PASSWORD: '123456',
        SWITCHYARD_NATS__TOKEN: 'true',
        SWITCHYARD_NATS__NAME: 'null',
        SWITCHYARD_BACKENDS__0__API_KEY: '0042',
        SWITCHYARD_GATEWAY__ALIASES__FAST: '7',
      },
    );
    expect(config.nats).toMatchObject({ user: '1000', password: '123456', token: 'true' });
    expect(config.nats.name).toBe('null');
    expect(config.backends[0]?.api_key).toBe('0042');
    expect(config.gateway.aliases).toEqual({ fast: '7' });
  });

  it('read numbers, booleans and lists as JSON, and a list also as "a,b"', () => {
    const config = resolveConfig(undefined, {
      SWITCHYARD_GATEWAY__PORT: '9000',
      SWITCHYARD_NATS__RANDOMIZE_SERVERS: 'false',
      SWITCHYARD_NATS__SERVERS: '["nats://a:4222"]',
    });
    expect(config.gateway.port).toBe(9000);
    expect(config.nats.randomize_servers).toBe(false);
    expect(config.nats.servers).toEqual(['nats://a:4222']);
    expect(
      resolveConfig(undefined, { SWITCHYARD_NATS__SERVERS: 'nats://a:4222,nats://b:4222' }).nats
        .servers,
    ).toEqual(['nats://a:4222', 'nats://b:4222']);
  });

  it('still name a number field given text as the problem', () => {
    expect(() => resolveConfig(undefined, { SWITCHYARD_GATEWAY__PORT: 'eighty' })).toThrow(
      /gateway\.port: .*"eighty"/,
    );
  });

  it('give backends with no configuration file at all, field by field or as one list', () => {
    const byField = resolveConfig(undefined, {
      SWITCHYARD_BACKENDS__0__ID: 'ollama-1',
      SWITCHYARD_BACKENDS__0__KIND: 'ollama',
      SWITCHYARD_BACKENDS__0__URL: 'http://127.0.0.1:11434',
      SWITCHYARD_BACKENDS__1__ID: 'vllm-1',
      SWITCHYARD_BACKENDS__1__KIND: 'vllm',
      SWITCHYARD_BACKENDS__1__URL: 'http://127.0.0.1:8000',
    });
    expect(byField.backends.map((backend) => [backend.id, backend.kind])).toEqual([
      ['ollama-1', 'ollama'],
      ['vllm-1', 'vllm'],
    ]);
    const asList = resolveConfig(undefined, {
      SWITCHYARD_BACKENDS: '[{"id":"vllm-1","kind":"vllm","url":"http://127.0.0.1:8000"}]',
    });
    expect(asList.backends.map((backend) => backend.id)).toEqual(['vllm-1']);
  });

  it('leave a variable for a field the schema does not know as JSON, for the schema to refuse', () => {
    expect(environmentOverrides({ SWITCHYARD_GATEWAY__NO_SUCH_FIELD: '5' })).toEqual({
      gateway: { no_such_field: 5 },
    });
  });
});
