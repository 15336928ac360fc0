import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SwitchyardConfig } from '@switchyard/contracts';
import { nkeySeedProblem } from '@switchyard/nats';

/** Why a file cannot be read, in words; Node's own message would repeat the path. */
const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

/**
 * The files the `nats` section names, each checked as it is read when the service connects: one
 * that is missing would otherwise surface as a TLS handshake or auth failure that never names it.
 * A problem per unreadable file, naming the field and the path.
 */
export function unreadableNatsFiles(config: SwitchyardConfig, cwd: string): string[] {
  const { tls, creds_file } = config.nats;
  const files: Array<[string, string | undefined]> = [
    ['nats.creds_file', creds_file],
    ['nats.tls.ca_file', tls?.ca_file],
    ['nats.tls.cert_file', tls?.cert_file],
    ['nats.tls.key_file', tls?.key_file],
  ];
  const problems: string[] = [];
  for (const [field, file] of files) {
    if (file === undefined) continue;
    const path = resolve(cwd, file);
    try {
      readFileSync(path);
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      problems.push(`${field}: cannot read ${path}: ${REASONS[code ?? ''] ?? message}`);
    }
  }
  return problems;
}

/**
 * The `nats` section's secrets that cannot work, each named by its field and never quoted: an
 * nkey seed that does not decode would otherwise fail the connection as if no server ran.
 */
export function invalidNatsSecrets(config: SwitchyardConfig): string[] {
  const seed = config.nats.nkey_seed;
  const problem = seed === undefined ? undefined : nkeySeedProblem(seed);
  return problem === undefined ? [] : [`nats.nkey_seed: ${problem}`];
}
