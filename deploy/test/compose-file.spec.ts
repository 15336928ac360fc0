import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from '@jest/globals';
import { resolveConfig } from '@switchyard/contracts';
import { selfExitDeadlineMs } from '@switchyard/service';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  container_name?: string;
  ports?: string[];
  depends_on?: Record<string, unknown> | string[];
  healthcheck?: unknown;
  restart?: string;
  stop_grace_period?: string;
  profiles?: string[];
  volumes?: string[];
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;
const switchyardServices = Object.entries(services).filter(
  ([, service]) => service.build !== undefined,
);
// The services the image's entrypoint can run: the case pattern of deploy/docker/entrypoint.sh.
const entrypointServices =
  /(gateway\|[a-z|-]+)\)/.exec(read('deploy/docker/entrypoint.sh'))?.[1]?.split('|') ?? [];

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification', () => {
    const schema = JSON.parse(read('deploy/compose-spec.json')) as Record<string, unknown>;
    const ajv = new Ajv({ allErrors: true, strict: false });
    // The spec names draft-07 by its https address; Ajv knows the meta-schema under the http one.
    const draft07 = createRequire(import.meta.url)(
      'ajv/dist/refs/json-schema-draft-07.json',
    ) as object;
    ajv.addMetaSchema(draft07, String(schema['$schema']));
    const validate = ajv.compile(schema);
    // The spec validates the file as written (anchors merged), as docker compose reads it.
    const valid = validate(parse(read('docker-compose.yml'), { merge: true }));
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // And the check can fail: a misspelt key is refused.
    expect(validate({ services: { gateway: { image: 'x', restrat: 'always' } } })).toBe(false);
  });

  it('runs every Switchyard service, each with a command the image knows', () => {
    const commands = switchyardServices.map(([, service]) => service.command?.[0]);
    expect(new Set(commands)).toEqual(
      new Set([
        'gateway',
        'discovery',
        'orchestrator',
        'ollama-worker',
        'lmstudio-worker',
        'vllm-worker',
      ]),
    );
    for (const command of commands) {
      expect(entrypointServices).toContain(command);
      expect(existsSync(new URL(`apps/${command}/package.json`, root))).toBe(true);
    }
  });

  it('names only services and volumes that exist', () => {
    for (const [name, service] of Object.entries(services)) {
      const dependencies = Array.isArray(service.depends_on)
        ? service.depends_on
        : Object.keys(service.depends_on ?? {});
      for (const dependency of dependencies)
        expect({ name, dependency, exists: dependency in services }).toMatchObject({
          exists: true,
        });
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] as string;
        if (source.startsWith('.') || source.startsWith('/')) {
          expect({ name, source, exists: existsSync(new URL(source, root)) }).toMatchObject({
            exists: true,
          });
        } else {
          expect({ name, source, declared: source in (compose.volumes ?? {}) }).toMatchObject({
            declared: true,
          });
        }
      }
    }
  });

  it('lets workers scale: no fixed container names or host ports on them', () => {
    for (const [name, service] of Object.entries(services)) {
      if (!name.endsWith('-worker')) continue;
      expect({ name, container_name: service.container_name, ports: service.ports }).toEqual({
        name,
        container_name: undefined,
        ports: undefined,
      });
    }
  });

  it('publishes the gateway on the host loopback only, with health checks and restart policies', () => {
    expect(services['gateway']?.ports).toEqual(['127.0.0.1:8484:8484']);
    for (const name of ['nats', 'gateway', 'ollama', 'vllm'])
      expect(services[name]?.healthcheck).toBeDefined();
    for (const [name, service] of Object.entries(services))
      expect({ name, restart: service.restart }).toEqual({ name, restart: 'unless-stopped' });
    expect(services['vllm']?.profiles).toEqual(['gpu']);
  });
});

/** A Compose duration such as `20s`, `1m30s` or `1500ms`, in milliseconds. */
function durationMs(text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us)/g)];
  if (parts.map((part) => part[0]).join('') !== text) throw new Error(`not a duration: ${text}`);
  return parts.reduce(
    (sum, [, value, unit]) => sum + Number(value) * (units[unit as string] ?? 0),
    0,
  );
}

describe('docker-compose.yml stopping', () => {
  it('gives every Switchyard service longer to stop than it takes to drain, so none is killed mid-answer', () => {
    // The image's configuration, with the environment compose sets: its shutdown.grace_ms.
    const config = resolveConfig(parse(read('deploy/docker/switchyard.yaml')));
    const deadline = selfExitDeadlineMs(config);
    for (const [name, service] of switchyardServices) {
      const grace = service.stop_grace_period;
      expect({ name, grace }).toEqual({ name, grace: expect.any(String) });
      expect({ name, longer: durationMs(grace as string) > deadline }).toEqual({
        name,
        longer: true,
      });
    }
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('builds on Node 24 in stages and runs as a non-root user', () => {
    const stages = dockerfile.match(/^FROM node:24[^\n]*/gm) ?? [];
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(finalStage).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
  });
});
