import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FLEET_MAX_PAYLOAD_BYTES } from '@switchyard/contracts';
import { UnavailableError } from '../cli/cli-errors.js';
import { hostAndPort, isListening, probeNats } from './tcp-probe.js';

const NATS_DEFAULT_PORT = 4222;

/** What to tell a person whose machine has no nats-server. */
export const NATS_INSTALL_HINT = [
  'nats-server was not found on PATH. Install it, then run this again:',
  '  Debian/Ubuntu: sudo apt-get install nats-server',
  '  macOS:         brew install nats-server',
  '  anywhere:      go install github.com/nats-io/nats-server/v2@latest',
].join('\n');

/**
 * `up` has no NATS to use and no nats-server to start: a missing support program
 * (EX_UNAVAILABLE).
 */
export class NatsServerMissingError extends UnavailableError {
  override readonly name = 'NatsServerMissingError';
  constructor() {
    super(NATS_INSTALL_HINT);
  }
}

export type NatsPlan =
  | { kind: 'existing'; url: string }
  | { kind: 'start'; url: string; program: string; args: string[] };

/**
 * Uses the NATS server at the configured URL when one answers there; otherwise plans to start
 * `nats-server` (JetStream on; `up` adds a store from {@link createNatsStore}) on that address.
 * Something else on that port is an error here, not a confusing connection failure in every
 * service later.
 */
export async function planNats(url: string): Promise<NatsPlan> {
  const { host, port } = hostAndPort(url, NATS_DEFAULT_PORT);
  if (url.startsWith('tls://')) {
    if (await isListening(host, port)) return { kind: 'existing', url };
  } else {
    const found = await probeNats(host, port);
    if (found === 'nats') return { kind: 'existing', url };
    if (found === 'not-nats') {
      throw new UnavailableError(
        `${host}:${port} accepts connections but is not a NATS server (it sent no INFO greeting); ` +
          'stop what listens there or set nats.servers to a NATS server',
      );
    }
  }
  const found = spawnSync('nats-server', ['--version'], { stdio: 'ignore' });
  if (found.error !== undefined || found.status !== 0) throw new NatsServerMissingError();
  return {
    kind: 'start',
    url,
    program: 'nats-server',
    args: ['-a', host, '-p', String(port), '-js'],
  };
}

/**
 * A JetStream store of its own for a nats-server that `up` starts: a fresh temporary directory,
 * so no state survives from an earlier run. `up` removes it once the server has stopped.
 */
export function createNatsStore(): string {
  return mkdtempSync(join(tmpdir(), 'switchyard-nats-'));
}

/** Writes the configuration of a nats-server `up` starts into `dir`; returns the file. */
export function writeNatsConfig(dir: string): string {
  const file = join(dir, 'nats-server.conf');
  // The fleet's message size, as in the Docker deployment (`deploy/nats/nats.conf`).
  writeFileSync(file, `max_payload: ${FLEET_MAX_PAYLOAD_BYTES}\n`);
  return file;
}
