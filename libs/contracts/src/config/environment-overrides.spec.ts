import { describe, expect, it } from '@jest/globals';
import { configJsonSchema } from './config-json-schema.js';
import { environmentOverrides, misnamedOverrides } from './environment-overrides.js';
import { InvalidConfigError, resolveConfig } from './load-config.js';

describe('environment overrides', () => {
  it('keep a text field as text, however much it looks like a number or a boolean', () => {
    const config = resolveConfig(
      { backends: [{ id: 'vllm-1', kind: 'vllm', url: 'http://127.0.0.1:8000' }] },
      {
        SWITCHYARD_NATS__USER: '1000',
        SWITCHYARD_NATS__PASSWORD: '123456',
        SWITCHYARD_NATS__NAME: 'null',
        SWITCHYARD_BACKENDS__0__API_KEY: '0042',
        SWITCHYARD_GATEWAY__ALIASES__FAST: '7',
      },
    );
    expect(config.nats).toMatchObject({ user: '1000', password: '123456' });
    // A token goes without a user and password.
    expect(resolveConfig(undefined, { SWITCHYARD_NATS__TOKEN: 'true' }).nats.token).toBe('true');
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

  it('pass on no variable that names no field, which misnamedOverrides reports by its name', () => {
    const env = { SWITCHYARD_GATEWAY__NO_SUCH_FIELD: '5' };
    expect(environmentOverrides(env)).toEqual({});
    expect(misnamedOverrides(env)).toEqual([
      'SWITCHYARD_GATEWAY__NO_SUCH_FIELD: names no configuration field (gateway.no_such_field); the levels of a name are joined by two underscores',
    ]);
  });

  it('give the list example only for a variable under a list, with that list in it', () => {
    expect(
      misnamedOverrides({
        SWITCHYARD_GATEWAY__RETRIES__MAX_ATTEMPT: '3',
        SWITCHYARD_BACKENDS__0_URL: 'http://127.0.0.1:11434',
        SWITCHYARD_NATS__SERVERS__FIRST: 'nats://a:4222',
      }),
    ).toEqual([
      'SWITCHYARD_GATEWAY__RETRIES__MAX_ATTEMPT: names no configuration field (gateway.retries.max_attempt); the levels of a name are joined by two underscores',
      'SWITCHYARD_BACKENDS__0_URL: names no configuration field (backends.0_url); the levels of a name are joined by two underscores, and list positions are numbers: SWITCHYARD_BACKENDS__0__ID',
      'SWITCHYARD_NATS__SERVERS__FIRST: names no configuration field (nats.servers.first); the levels of a name are joined by two underscores, and list positions are numbers: SWITCHYARD_NATS__SERVERS__0',
    ]);
  });

  it('refuse list positions that skip one, naming the variables, not an empty backends[0]', () => {
    const backend = (position: number, id: string) => ({
      [`SWITCHYARD_BACKENDS__${position}__ID`]: id,
      [`SWITCHYARD_BACKENDS__${position}__KIND`]: 'ollama',
      [`SWITCHYARD_BACKENDS__${position}__URL`]: 'http://127.0.0.1:11434',
    });
    expect(problemsOf(undefined, backend(1, 'b'))).toEqual([
      'SWITCHYARD_BACKENDS__1__ID, SWITCHYARD_BACKENDS__1__KIND, SWITCHYARD_BACKENDS__1__URL: nothing sets backends[0] before them; list positions start at 0 with no gaps (SWITCHYARD_BACKENDS__0__ID…, or the file)',
    ]);
    // After the file's backends[0], position 1 follows and 2 does not.
    const file = { backends: [{ id: 'a', kind: 'ollama', url: 'http://127.0.0.1:11434' }] };
    expect(resolveConfig(file, backend(1, 'b')).backends.map(({ id }) => id)).toEqual(['a', 'b']);
    expect(problemsOf(file, backend(2, 'c'))).toEqual([
      'SWITCHYARD_BACKENDS__2__ID, SWITCHYARD_BACKENDS__2__KIND, SWITCHYARD_BACKENDS__2__URL: nothing sets backends[1] before them; list positions start at 0 with no gaps (SWITCHYARD_BACKENDS__0__ID…, or the file)',
    ]);
  });

  it('refuse a variable whose levels are joined wrongly anywhere below its section', () => {
    const names = [
      'SWITCHYARD_WORKERS__OLLAMA_REPLICAS',
      'SWITCHYARD_WORKERS__OLAMA__REPLICAS',
      'SWITCHYARD_GATEWAY__RETRIES__MAX_ATTEMPT',
      'SWITCHYARD_BACKENDS__0_URL',
      'SWITCHYARD_NATS__TLS__CA',
    ];
    const problems = misnamedOverrides(Object.fromEntries(names.map((name) => [name, '1'])));
    expect(problems.map((problem) => problem.slice(0, problem.indexOf(':')))).toEqual(names);
  });

  it('take every field the configuration has, at any depth', () => {
    const names = fieldPaths(configJsonSchema()).map(
      (path) => `SWITCHYARD_${path.join('__').toUpperCase()}`,
    );
    // A sample, so the walk is known to reach where the problems were.
    expect(names).toEqual(
      expect.arrayContaining([
        'SWITCHYARD_NATS__TLS__CA_FILE',
        'SWITCHYARD_GATEWAY__RETRIES__MAX_ATTEMPTS',
        'SWITCHYARD_GATEWAY__RATE_LIMIT__PER_KEY__KEY',
        'SWITCHYARD_BACKENDS__0__COMMAND__ARGS',
        'SWITCHYARD_WORKERS__VLLM__HEARTBEAT_INTERVAL_MS',
      ]),
    );
    expect(misnamedOverrides(Object.fromEntries(names.map((name) => [name, '1'])))).toEqual([]);
  });
});

/** Every path to a field of a JSON schema: list items at position 0, map entries under `key`. */
function fieldPaths(schema: unknown, path: readonly string[] = []): string[][] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as {
    properties?: Record<string, unknown>;
    items?: unknown;
    additionalProperties?: unknown;
    anyOf?: unknown[];
  };
  const below = [
    ...Object.entries(node.properties ?? {}).flatMap(([key, value]) =>
      fieldPaths(value, [...path, key]),
    ),
    ...(node.items === undefined ? [] : fieldPaths(node.items, [...path, '0'])),
    ...(typeof node.additionalProperties === 'object'
      ? fieldPaths(node.additionalProperties, [...path, 'key'])
      : []),
    ...(node.anyOf ?? []).flatMap((option) => fieldPaths(option, path)),
  ];
  return path.length === 0 ? below : [[...path], ...below];
}

function problemsOf(file: unknown, env: Record<string, string>): readonly string[] {
  try {
    resolveConfig(file, env);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}
