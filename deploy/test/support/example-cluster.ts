import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  freePorts,
  getMonitoringJson,
  NatsServerStartError,
  startNatsServer,
  waitFor,
  type NatsServer,
} from '@switchyard/testing';

/** deploy/nats, where the example configurations live. */
export const NATS_CONFIG_DIR = new URL('../../nats/', import.meta.url);

export const readNatsConfig = (name: string): Promise<string> =>
  readFile(new URL(name, NATS_CONFIG_DIR), 'utf8');

/** The three nodes of deploy/nats/cluster-node-<n>.conf, running on loopback. */
export interface ExampleCluster {
  readonly nodes: readonly NatsServer[];
  readonly urls: string[];
  /** Each node's leaf-node listener, `nats-leaf://127.0.0.1:<port>`. */
  readonly leafUrls: string[];
  /** The password the configs read from each `$NATS_…_PASSWORD` variable, by user name. */
  password(user: string): string;
  /** Starts deploy/nats/leaf-gpu.conf joined to every node's leaf port; stopped with the rest. */
  startLeaf(): Promise<NatsServer>;
  stop(): Promise<void>;
}

const NODES = 3;
const ATTEMPTS = 3;
// The example's fixed ports, replaced with free ones; client and monitoring ports need no
// rewrite because the test helper's command-line flags (-a, -p, -m) win over the file.
const CLUSTER_PORT = 6222;
const LEAF_PORT = 7422;

/**
 * Starts the example cluster from copies of deploy/nats with only addresses rewritten (loopback
 * and free ports for routes and leaf nodes, a temp JetStream store) and the `$NATS_…` variables
 * defined: fresh random passwords and the route URLs. Resolves once all routes
 * are up and JetStream's meta group has a leader.
 */
export async function startExampleCluster(): Promise<ExampleCluster> {
  const passwords = await makePasswords();
  for (let attempt = 1; ; attempt++) {
    try {
      return await tryStart(passwords);
    } catch (error) {
      if (!(error instanceof NatsServerStartError && error.portInUse) || attempt >= ATTEMPTS) {
        throw error;
      }
    }
  }
}

async function tryStart(passwords: Map<string, string>): Promise<ExampleCluster> {
  const ports = await freePorts(NODES * 2);
  const clusterPorts = ports.slice(0, NODES);
  const leafPorts = ports.slice(NODES);
  const variables = variablesFor(passwords, clusterPorts, leafPorts);
  const dirs: string[] = [];
  const nodes: NatsServer[] = [];
  const makeDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'switchyard-example-nats-'));
    dirs.push(dir);
    return dir;
  };
  const stop = async (): Promise<void> => {
    await Promise.allSettled(nodes.map((node) => node.stop()));
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  };
  try {
    const started = await Promise.allSettled(
      clusterPorts.map(async (clusterPort, index) => {
        const dir = await makeDir();
        await copyLocalized(dir, (text) =>
          defineVariables(
            localize(text, {
              clusterPort,
              leafPort: leafPorts[index] as number,
              storeDir: join(dir, 'jetstream'),
            }),
            variables,
          ),
        );
        const node = await startNatsServer({
          // The config turns JetStream on with its own store; the helper's -js/-sd would clash.
          jetstream: false,
          args: ['-c', join(dir, `cluster-node-${index + 1}.conf`)],
          startTimeoutMs: 20_000,
        });
        nodes.push(node);
        return node;
      }),
    );
    const failed = started.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    const ordered = started.map((result) => (result as PromiseFulfilledResult<NatsServer>).value);
    await waitUntilFormed(ordered);
    return {
      nodes: ordered,
      urls: ordered.map((node) => node.url),
      leafUrls: leafPorts.map((port) => `nats-leaf://127.0.0.1:${port}`),
      password: (user) => {
        const password = passwords.get(user);
        if (password === undefined) throw new Error(`the configs define no password for ${user}`);
        return password;
      },
      startLeaf: async () => {
        const dir = await makeDir();
        await copyLocalized(dir, (text) => defineVariables(text, variables));
        const leaf = await startNatsServer({
          jetstream: false,
          args: ['-c', join(dir, 'leaf-gpu.conf')],
        });
        nodes.push(leaf);
        await waitFor(
          async () => {
            const leafz = await getMonitoringJson<{ leafnodes?: number }>(
              `${leaf.monitorUrl}/leafz`,
            );
            return (leafz.leafnodes ?? 0) > 0;
          },
          { timeoutMs: 15_000, description: 'the leaf server to join the cluster' },
        );
        return leaf;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Rewrites one config file's text for loopback and a temp JetStream store. */
export function localize(
  text: string,
  ports: { clusterPort: number; leafPort: number; storeDir: string },
): string {
  let out = text;
  const replace = (pattern: RegExp, by: string): void => {
    out = out.replace(pattern, by);
  };
  replace(new RegExp(`0\\.0\\.0\\.0:${CLUSTER_PORT}\\b`, 'g'), `127.0.0.1:${ports.clusterPort}`);
  replace(new RegExp(`0\\.0\\.0\\.0:${LEAF_PORT}\\b`, 'g'), `127.0.0.1:${ports.leafPort}`);
  replace(/0\.0\.0\.0:/g, '127.0.0.1:');
  replace(/store_dir: \/data\/jetstream$/m, `store_dir: "${ports.storeDir}"`);
  return out;
}

/** The .conf files under deploy/nats, as paths relative to it. */
export async function natsConfigFiles(): Promise<string[]> {
  const entries = await readdir(NATS_CONFIG_DIR, { recursive: true });
  return entries.filter((name) => name.endsWith('.conf')).sort();
}

/** Copies every .conf file under deploy/nats into `dir`, passed through `transform`. */
async function copyLocalized(dir: string, transform: (text: string) => string): Promise<void> {
  const names = await natsConfigFiles();
  await Promise.all(
    names.map(async (name) => {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), transform(await readNatsConfig(name)));
    }),
  );
}

const VARIABLE_REFERENCE = /\$(NATS_[A-Z_]+)\b/g;
const PASSWORD_VARIABLE = /^NATS_([A-Z]+)_PASSWORD$/;

/** A fresh password for every `$NATS_<USER>_PASSWORD` the configs read, by user name. */
async function makePasswords(): Promise<Map<string, string>> {
  const texts = await Promise.all((await natsConfigFiles()).map(readNatsConfig));
  const passwords = new Map<string, string>();
  for (const [, variable] of texts.join('\n').matchAll(VARIABLE_REFERENCE)) {
    const user = PASSWORD_VARIABLE.exec(variable as string)?.[1];
    // A letter first: nats-server parses the value, and digits alone would read as a number.
    if (user !== undefined)
      passwords.set(user.toLowerCase(), `p${randomBytes(16).toString('hex')}`);
  }
  return passwords;
}

/**
 * The value of every `$NATS_…` variable the configs read, as configuration text: the passwords,
 * the route URLs and the leaf server's hub URLs (both carry a password).
 */
function variablesFor(
  passwords: Map<string, string>,
  clusterPorts: number[],
  leafPorts: number[],
): Map<string, string> {
  const variables = new Map<string, string>();
  for (const [user, password] of passwords) {
    variables.set(`NATS_${user.toUpperCase()}_PASSWORD`, JSON.stringify(password));
  }
  const routes = clusterPorts.map(
    (port) => `nats-route://route:${passwords.get('route') as string}@127.0.0.1:${port}`,
  );
  variables.set('NATS_ROUTES', JSON.stringify(routes));
  const hubs = leafPorts.map(
    (port) => `nats-leaf://leaf:${passwords.get('leaf') as string}@127.0.0.1:${port}`,
  );
  variables.set('NATS_HUB_LEAF_URLS', JSON.stringify(hubs));
  return variables;
}

/**
 * Defines, at the top of a file, each `$NATS_…` variable it reads. In production the server's
 * environment supplies them; a test cannot set the environment of the servers it starts, and
 * nats-server resolves a reference from the file's own variables first, then the environment.
 */
export function defineVariables(text: string, variables: Map<string, string>): string {
  const used = new Set([...text.matchAll(VARIABLE_REFERENCE)].map((match) => match[1] as string));
  const definitions = [...used].map((variable) => {
    const value = variables.get(variable);
    if (value === undefined) throw new Error(`the test has no value for $${variable}`);
    return `${variable}: ${value}\n`;
  });
  return definitions.join('') + text;
}

async function waitUntilFormed(nodes: readonly NatsServer[]): Promise<void> {
  await waitFor(
    async () => {
      for (const node of nodes) {
        const routez = await getMonitoringJson<{ num_routes?: number }>(
          `${node.monitorUrl}/routez`,
        );
        if ((routez.num_routes ?? 0) < nodes.length - 1) return false;
        const jsz = await getMonitoringJson<{ meta_cluster?: { leader?: string } }>(
          `${node.monitorUrl}/jsz`,
        );
        if (!jsz.meta_cluster?.leader) return false;
      }
      return true;
    },
    { timeoutMs: 30_000, intervalMs: 100, description: 'the example cluster to form' },
  );
}

/** The user names of the client connections a node has now (`/connz?auth=1`). */
export async function connectedUsers(node: NatsServer): Promise<string[]> {
  const connz = await getMonitoringJson<{ connections?: { authorized_user?: string }[] }>(
    `${node.monitorUrl}/connz?auth=1`,
  );
  return (connz.connections ?? []).flatMap((c) =>
    c.authorized_user === undefined ? [] : [c.authorized_user],
  );
}
