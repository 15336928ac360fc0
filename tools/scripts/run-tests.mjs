// The README's test command: checks formatting, then builds, lints, type-checks and tests every
// project, then prints one closing line with the totals of all test runs.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const run = (command, args, env = process.env) =>
  spawnSync(command, args, { cwd: root, stdio: 'inherit', env }).status ?? 1;

rmSync(new URL('tmp/test-totals/', root), { recursive: true, force: true });

const formatted = run('npx', ['prettier', '--check', '--log-level=warn', '.']);
if (formatted !== 0) console.error('Formatting is off in the files above: run `npm run format`.');

const nx = run(
  'npx',
  [
    'nx',
    'run-many',
    '-t',
    'build',
    'lint',
    'typecheck',
    'test',
    '--outputStyle=stream',
    // CI proves the code as it is: no result comes from a cache.
    ...(process.env.CI ? ['--skip-nx-cache'] : []),
    ...process.argv.slice(2),
  ],
  { ...process.env, NX_DAEMON: process.env.NX_DAEMON ?? 'false' },
);
const totals = run(process.execPath, ['tools/scripts/test-totals.mjs']);
process.exit(formatted !== 0 ? formatted : nx !== 0 ? nx : totals);
