import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from '@jest/globals';
import { resolveConfig, type SwitchyardConfig } from '@switchyard/contracts';
import { SERVICE_NODE_FLAGS, selfExitDeadlineMs } from '@switchyard/service';
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
  environment?: Record<string, string | number | boolean | null> | string[];
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
/** The Dockerfile's final stage: what the image is. */
const dockerfile = read('Dockerfile');
const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
/** The final stage's instructions, continuation lines joined. */
const instructions = finalStage.replace(/\\\n\s*/g, ' ').split('\n');

/** The variables the image sets (`ENV KEY=value …`), which every container starts with. */
const imageEnvironment = Object.fromEntries(
  instructions
    .filter((line) => line.startsWith('ENV '))
    .flatMap((line) => line.slice('ENV '.length).trim().split(/\s+/))
    .map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`not KEY=value in the Dockerfile's ENV: ${pair}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
) as Record<string, string>;

/** The file of this repository that the image holds at `target` (`COPY <source> <target>`). */
function imageFile(target: string): string {
  for (const line of instructions) {
    const words = line.trim().split(/\s+/);
    if (words[0] === 'COPY' && words.at(-1) === target) return words.at(-2) as string;
  }
  throw new Error(`the Dockerfile copies nothing to ${target}`);
}

/** Loads a configuration file of this repository with the real loader, as a service would. */
function loadConfig(path: string, env: Record<string, string>): SwitchyardConfig {
  return resolveConfig(parse(read(path)), env, path);
}

/** The configuration the image's services read when nothing is mounted or set. */
const imageConfig = (): SwitchyardConfig =>
  loadConfig(imageFile(imageEnvironment['SWITCHYARD_CONFIG'] as string), imageEnvironment);

/**
 * The configuration a Compose service's container reads: the image's environment with the
 * service's on top, and the file at SWITCHYARD_CONFIG, mounted or else the image's own.
 */
function serviceConfig(service: ComposeService): SwitchyardConfig {
  const own = Array.isArray(service.environment)
    ? service.environment.map((entry) => entry.split(/=(.*)/s).slice(0, 2))
    : Object.entries(service.environment ?? {});
  const env = {
    ...imageEnvironment,
    ...Object.fromEntries(own.map(([name, value]) => [name, String(value ?? '')])),
  } as Record<string, string>;
  const target = env['SWITCHYARD_CONFIG'] as string;
  const mounted = (service.volumes ?? [])
    .map((volume) => volume.split(':'))
    .find(([source, path]) => path === target && source?.startsWith('.'));
  return loadConfig(mounted?.[0] ?? imageFile(target), env);
}

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

describe("the image's entrypoint", () => {
  it('runs every Switchyard service with the node flags the services are made for', () => {
    const script = read('deploy/docker/entrypoint.sh');
    const flags = /^node_flags="([^"]*)"$/m.exec(script)?.[1];
    expect(flags?.split(' ')).toEqual([...SERVICE_NODE_FLAGS]);
    // Every service's line passes them; the simulator, a stand-in for a backend, does not.
    const serviceLine = script.split('\n').find((line) => line.trim().startsWith('gateway|'));
    expect(serviceLine).toContain('exec node $node_flags "/app/apps/$service/dist/main.js"');
  });
});

describe('docker-compose.yml stopping', () => {
  it('gives every Switchyard service longer to stop than it takes to drain, so none is killed mid-answer', () => {
    for (const [name, service] of switchyardServices) {
      // The service's own configuration, with the environment compose sets: its shutdown.grace_ms.
      const deadline = selfExitDeadlineMs(serviceConfig(service));
      const grace = service.stop_grace_period;
      expect({ name, grace }).toEqual({ name, grace: expect.any(String) });
      expect({ name, longer: durationMs(grace as string) > deadline }).toEqual({
        name,
        longer: true,
      });
    }
  });
});

const isLoopbackHost = (host: string): boolean =>
  host === 'localhost' || host === '::1' || host.startsWith('127.');

describe("the gateway's exposure", () => {
  it('is closed in the image: bound for port publishing, it serves no remote client without keys', () => {
    const { host, api_key_hashes, allow_unauthenticated_remote } = imageConfig().gateway;
    // A published port reaches only a gateway bound beyond the container's loopback.
    expect(isLoopbackHost(host)).toBe(false);
    // So an open gateway (`docker run -p 8484:8484 …` publishes on every host address) must be
    // asked for: keys, or the opt-out, set by whoever runs the image.
    expect({ api_key_hashes, allow_unauthenticated_remote }).toEqual({
      api_key_hashes: [],
      allow_unauthenticated_remote: false,
    });
  });

  it("is open in docker-compose.yml only where the port is published on the host's loopback", () => {
    for (const [name, service] of switchyardServices) {
      const { gateway } = serviceConfig(service);
      if (!gateway.allow_unauthenticated_remote || gateway.api_key_hashes.length > 0) continue;
      const beyondLoopback = (service.ports ?? []).filter((port) => !port.startsWith('127.0.0.1:'));
      expect({ name, beyondLoopback }).toEqual({ name, beyondLoopback: [] });
    }
  });

  it("serves the host's clients of `docker compose up` without keys, as the quick start does", () => {
    // They come through the published port, from Docker's bridge rather than loopback, so the
    // gateway serves them only with the opt-out; the container port is the one it listens on.
    const gateway = services['gateway'] as ComposeService;
    const config = serviceConfig(gateway).gateway;
    expect(config.allow_unauthenticated_remote).toBe(true);
    expect(isLoopbackHost(config.host)).toBe(false);
    expect(gateway.ports?.map((port) => port.split(':').at(-1))).toEqual([String(config.port)]);
  });
});

describe('Dockerfile', () => {
  it('builds on Node 24 in stages and runs as a non-root user', () => {
    const stages = dockerfile.match(/^FROM node:24[^\n]*/gm) ?? [];
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(finalStage).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
  });
});
