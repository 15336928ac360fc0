import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { configJsonSchema } from './config-json-schema.js';
import { environmentOverrides, InvalidConfigError, resolveConfig } from './load-config.js';

const committedSchemaPath = new URL('../../../../switchyard.schema.json', import.meta.url);

describe('configuration', () => {
  it('fills every default from an empty file', () => {
    const config = resolveConfig(undefined);
    expect(config.nats.servers).toEqual(['nats://127.0.0.1:4222']);
    expect(config.nats.subject_prefix).toBe('switchyard');
    expect(config.gateway.host).toBe('127.0.0.1');
    expect(config.gateway.port).toBe(8484);
    expect(config.gateway.retries.max_attempts).toBe(3);
    expect(config.shutdown.grace_ms).toBe(10_000);
    expect(config.workers.vllm.replicas).toBe(1);
    expect(config.backends).toEqual([]);
  });

  it('lets the environment override any field, lists and array elements included', () => {
    const config = resolveConfig(
      { backends: [{ id: 'ollama-1', kind: 'ollama', url: 'http://127.0.0.1:11434' }] },
      {
        SWITCHYARD_GATEWAY__PORT: '9000',
        SWITCHYARD_NATS__SERVERS: 'nats://a:4222, nats://b:4222',
        SWITCHYARD_NATS__USER: 'switchyard',
        SWITCHYARD_NATS__PASSWORD: 's3cret',
        SWITCHYARD_BACKENDS__0__MAX_CONCURRENCY: '2',
        SWITCHYARD_LOG__LEVEL: 'debug',
        SWITCHYARD_CONFIG: '/etc/switchyard.yaml',
        PATH: '/usr/bin',
      },
    );
    expect(config.gateway.port).toBe(9000);
    expect(config.nats.servers).toEqual(['nats://a:4222', 'nats://b:4222']);
    expect(config.nats.password).toBe('s3cret');
    expect(config.backends[0]?.max_concurrency).toBe(2);
    expect(config.backends[0]?.url).toBe('http://127.0.0.1:11434');
    expect(config.log.level).toBe('debug');
  });

  it('reads variables that do not name a section as something else', () => {
    expect(environmentOverrides({ SWITCHYARD_CONFIG: 'x.yaml', SWITCHYARD_SIM: 'on' })).toEqual({});
  });

  it('refuses a first-frame timeout a worker may take to send its first frame', () => {
    expect(
      captureConfigError({
        gateway: { first_frame_timeout_ms: 2_000 },
        workers: { vllm: { heartbeat_interval_ms: 2_000 } },
      }).problems,
    ).toEqual([
      'gateway.first_frame_timeout_ms: must be longer than workers.vllm.heartbeat_interval_ms (2000), within which a worker sends its first frame (got 2000)',
    ]);
  });

  it('refuses a backend id given twice, naming both places', () => {
    const backend = { kind: 'vllm', url: 'http://127.0.0.1:8000' };
    const backends = [
      { ...backend, id: 'a' },
      { ...backend, id: 'b' },
      { ...backend, id: 'a' },
    ];
    expect(captureConfigError({ backends }).problems).toEqual([
      'backends[2].id: backends[0] has this id too: backend ids must be unique (got "a")',
    ]);
  });

  it('refuses a managed backend whose command cannot be worked out, naming the field', () => {
    const managed = { mode: 'managed', url: 'http://127.0.0.1:8000' };
    const backends = [
      Object.assign({ id: 'lms', kind: 'lmstudio' }, managed),
      Object.assign({ id: 'v', kind: 'vllm' }, managed),
      Object.assign({ id: 'v-served', kind: 'vllm', models: ['m'] }, managed),
      Object.assign({ id: 'o', kind: 'ollama' }, managed),
      Object.assign(
        { id: 'lms-run', kind: 'lmstudio', command: { program: 'lms-server' } },
        managed,
      ),
    ];
    expect(captureConfigError({ backends }).problems).toEqual([
      'backends[0].command: a managed LM Studio backend needs a `command` that stays in the foreground; use mode "monitored" for an LM Studio app started with `lms server start` (got nothing)',
      'backends[1].models: a managed vLLM backend needs `models` (its first is served) or a `command` (got [])',
    ]);
  });

  it('refuses a variable meant for a section it does not name, naming the variable', () => {
    const error = captureConfigError(
      {},
      {
        SWITCHYARD_GATEWAY_PORT: '9000',
        SWITCHYARD_GATWAY__PORT: '9000',
        SWITCHYARD_NATS__SERVERS: 'nats://a:4222',
        SWITCHYARD_CONFIG: 'x.yaml',
      },
    );
    expect(error.problems).toEqual([
      "SWITCHYARD_GATEWAY_PORT: levels in a variable's name are joined by two underscores: SWITCHYARD_GATEWAY__PORT",
      'SWITCHYARD_GATWAY__PORT: "gatway" is not a configuration section (nats, log, shutdown, gateway, backends, workers, discovery, orchestrator)',
    ]);
  });

  it('fails with a message naming the field, the value and what is allowed', () => {
    const error = captureConfigError({
      gateway: { port: 70_000 },
      backends: [{ id: 'x', kind: 'tgi', url: 'http://h' }],
    });
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^gateway\.port: .*65535.* \(got 70000\)$/),
        expect.stringMatching(
          /^backends\[0\]\.kind: .*"ollama"\|"lmstudio"\|"vllm".* \(got "tgi"\)$/,
        ),
      ]),
    );
    expect(error.message).toMatch(/^invalid configuration \(switchyard\.yaml\):/);
  });

  it('refuses NATS servers nothing could dial, before any service tries', () => {
    expect(captureConfigError({ nats: { servers: [] } }).problems).toEqual([
      'nats.servers: must list at least one (got [])',
    ]);
    expect(
      captureConfigError({ nats: { servers: ['nats://bad host:1', 'http://h:4222'] } }).problems,
    ).toEqual([
      'nats.servers[0]: use nats://host:port, tls://host:port or host:port (got "nats://bad host:1")',
      'nats.servers[1]: use nats://host:port, tls://host:port or host:port (got "http://h:4222")',
    ]);
    const { nats } = resolveConfig({
      nats: { servers: ['127.0.0.1:4333', 'tls://nats.lan:4222'] },
    });
    expect(nats.servers).toEqual(['127.0.0.1:4333', 'tls://nats.lan:4222']);
  });

  it('refuses a bare word as a NATS server: it is no host:port, and nats.js would look it up', () => {
    expect(captureConfigError({ nats: { servers: ['not-a-url'] } }).problems).toEqual([
      'nats.servers[0]: use nats://host:port, tls://host:port or host:port (got "not-a-url")',
    ]);
    expect(resolveConfig({ nats: { servers: ['nats://nats-1'] } }).nats.servers).toEqual([
      'nats://nats-1',
    ]);
  });

  it('refuses NATS credentials that do not go together, naming the field and no secret', () => {
    expect(captureConfigError(undefined, { SWITCHYARD_NATS__PASSWORD: '12345' }).problems).toEqual([
      'nats.user: must be set when nats.password is: set both or neither (got nothing)',
    ]);
    const both = captureConfigError({ nats: { user: 'u', password: 'p', token: 'secret-t' } });
    expect(both.problems).toEqual([
      'nats.token: goes alone: use a token or nats.user and nats.password, not both (got (secret))',
    ]);
    expect(captureConfigError({ nats: { token: 't', user: 'u' } }).problems).toHaveLength(1);
    expect(captureConfigError({ nats: { tls: { cert_file: 'client.pem' } } }).problems).toEqual([
      'nats.tls.key_file: must be set with nats.tls.cert_file: set both for a client certificate, or neither (got nothing)',
    ]);
    expect(captureConfigError({ nats: { tls: { key_file: 'client.key' } } }).problems).toEqual([
      'nats.tls.cert_file: must be set with nats.tls.key_file: set both for a client certificate, or neither (got nothing)',
    ]);
    expect(resolveConfig({ nats: { user: 'u', password: 'p' } }).nats).toMatchObject({
      user: 'u',
      password: 'p',
    });
    expect(resolveConfig({ nats: { user: 'u' } }).nats.user).toBe('u');
  });

  it('names unknown fields, so a typo is not silently ignored', () => {
    const error = captureConfigError({ gateway: { prot: 1 } });
    expect(error.problems).toEqual(['gateway: unknown field "prot"']);
    // At every depth, the sections of sections included.
    const nested = captureConfigError({
      nats: { tls: { ca: 'ca.pem' } },
      gateway: { retries: { max_attempt: 1 } },
      workers: { ollama_replicas: 2, olama: { replicas: 2 } },
    });
    expect(nested.problems).toEqual([
      'nats.tls: unknown field "ca"',
      'gateway.retries: unknown field "max_attempt"',
      'workers: unknown fields "ollama_replicas", "olama"',
    ]);
  });

  it('never prints a secret value', () => {
    const error = captureConfigError({ nats: { password: 12345 } });
    expect(error.message).toContain('nats.password');
    expect(error.message).not.toContain('12345');
  });

  it('keeps the committed JSON Schema in sync with the zod schema', () => {
    const committed: unknown = JSON.parse(readFileSync(committedSchemaPath, 'utf8'));
    expect(committed).toEqual(configJsonSchema());
  });
});

function captureConfigError(
  content: unknown,
  env: Readonly<Record<string, string>> = {},
): InvalidConfigError {
  try {
    resolveConfig(content, env);
  } catch (error) {
    if (error instanceof InvalidConfigError) return error;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}
