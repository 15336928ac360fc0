import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { InvalidConfigError, resolveConfig, type SwitchyardConfig } from '@switchyard/contracts';
import { invalidNatsSecrets, unreadableNatsFiles } from './config-files.js';

/** The variable that names the configuration file when `--config` does not. */
export const CONFIG_FILE_ENV = 'SWITCHYARD_CONFIG';
/** The file read when neither `--config` nor `SWITCHYARD_CONFIG` names one. */
export const DEFAULT_CONFIG_FILE = 'switchyard.yaml';

export interface ConfigSource {
  /** Command-line arguments, searched for `--config <file>` / `--config=<file>`. */
  argv?: readonly string[];
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

/**
 * Reads the configuration a process runs with: the YAML file named by `--config`, else by
 * `SWITCHYARD_CONFIG`, else `./switchyard.yaml` when it exists (else defaults only), with the
 * `SWITCHYARD_*` environment overrides applied. A file that was named but cannot be read, YAML
 * that does not parse, values the schema refuses, NATS TLS or creds files that cannot be read and
 * an nkey seed that does not decode all throw `InvalidConfigError`.
 */
export function readConfig(source: ConfigSource = {}): SwitchyardConfig {
  const env = source.env ?? process.env;
  const cwd = source.cwd ?? process.cwd();
  const named = configFlag(source.argv ?? process.argv.slice(2)) ?? env[CONFIG_FILE_ENV];
  const path = resolve(cwd, named ?? DEFAULT_CONFIG_FILE);

  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    if (named !== undefined || !missing) {
      throw new InvalidConfigError([`cannot read ${path}: ${(error as Error).message}`], path);
    }
  }
  const origin = text === undefined ? 'defaults and environment' : path;
  const config = resolveConfig(text === undefined ? undefined : parseYaml(text, path), env, origin);
  const problems = [...unreadableNatsFiles(config, cwd), ...invalidNatsSecrets(config)];
  if (problems.length > 0) throw new InvalidConfigError(problems, origin);
  return config;
}

function parseYaml(text: string, path: string): unknown {
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new InvalidConfigError(
      document.errors.map((error) => `YAML: ${error.message.split('\n')[0] ?? error.message}`),
      path,
    );
  }
  return document.toJS();
}

function configFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--config') return argv[i + 1];
    if (arg.startsWith('--config=')) return arg.slice('--config='.length);
  }
  return undefined;
}
