import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { InvalidConfigError } from '@switchyard/contracts';
import { readConfig } from './read-config-file.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('readConfig', () => {
  it('reads ./switchyard.yaml when nothing names a file, with environment overrides on top', () => {
    write('switchyard.yaml', 'gateway:\n  port: 9001\nlog:\n  level: warn\n');
    const config = readConfig({ argv: [], env: { SWITCHYARD_LOG__LEVEL: 'debug' }, cwd: dir });
    expect(config.gateway.port).toBe(9001);
    expect(config.log.level).toBe('debug');
  });

  it('prefers --config over SWITCHYARD_CONFIG', () => {
    const flagged = write('a.yaml', 'gateway:\n  port: 7001\n');
    const fromEnv = write('b.yaml', 'gateway:\n  port: 7002\n');
    expect(
      readConfig({ argv: ['--config', flagged], env: { SWITCHYARD_CONFIG: fromEnv } }).gateway.port,
    ).toBe(7001);
    expect(readConfig({ argv: [`--config=${fromEnv}`], env: {} }).gateway.port).toBe(7002);
    expect(readConfig({ argv: [], env: { SWITCHYARD_CONFIG: fromEnv } }).gateway.port).toBe(7002);
  });

  it('uses the defaults when there is no file at all', () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    expect(readConfig({ argv: [], env: {}, cwd: empty }).gateway.port).toBe(8484);
  });

  it('refuses a named file that does not exist, and YAML that does not parse', () => {
    expect(() => readConfig({ argv: ['--config', join(dir, 'missing.yaml')], env: {} })).toThrow(
      /cannot read .*missing\.yaml/,
    );
    const broken = write('broken.yaml', 'gateway:\n  port: [1,\n');
    expect(() => readConfig({ argv: ['--config', broken], env: {} })).toThrow(InvalidConfigError);
    expect(() => readConfig({ argv: ['--config', broken], env: {} })).toThrow(/YAML/);
  });

  it('names the file, the field and the value when the schema refuses it', () => {
    const bad = write('bad.yaml', 'gateway:\n  port: "eighty"\n');
    expect(() => readConfig({ argv: ['--config', bad], env: {} })).toThrow(
      /bad\.yaml[\s\S]*gateway\.port: .*\(got "eighty"\)/,
    );
  });

  it('refuses NATS TLS and creds files it cannot read, naming the field and the path', () => {
    write('ca.pem', 'not really a certificate\n');
    const config = write(
      'tls.yaml',
      'nats:\n  tls: { ca_file: ca.pem, cert_file: missing.pem, key_file: . }\n',
    );
    let error: unknown;
    try {
      readConfig({ argv: ['--config', config], env: {}, cwd: dir });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as InvalidConfigError).problems).toEqual([
      `nats.tls.cert_file: cannot read ${join(dir, 'missing.pem')}: no such file`,
      `nats.tls.key_file: cannot read ${dir}: it is a directory`,
    ]);
    expect(() =>
      readConfig({
        argv: [],
        env: { SWITCHYARD_NATS__CREDS_FILE: '/nonexistent/user.creds' },
        cwd: mkdtempSync(join(dir, 'creds-')),
      }),
    ).toThrow('nats.creds_file: cannot read /nonexistent/user.creds: no such file');
    // A file that is there is fine, relative to the working directory.
    const readable = readConfig({
      argv: [],
      env: { SWITCHYARD_NATS__TLS__CA_FILE: 'ca.pem' },
      cwd: dir,
    });
    expect(readable.nats.tls?.ca_file).toBe('ca.pem');
  });
});
