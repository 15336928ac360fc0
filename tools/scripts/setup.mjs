// Makes a fresh clone ready to build, test and run: checks Node.js, installs the npm packages
// when they are missing or older than the lock file, and checks that nats-server can be found.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const root = new URL('../../', import.meta.url);
const MIN_NODE = [20, 19];

function fail(message) {
  console.error(`setup: ${message}`);
  process.exit(1);
}

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < MIN_NODE[0] || (major === MIN_NODE[0] && minor < MIN_NODE[1])) {
  fail(`Node.js ${MIN_NODE.join('.')} or newer is required; this is ${process.versions.node}.`);
}

const lockFile = new URL('package-lock.json', root);
const installed = new URL('node_modules/.package-lock.json', root);
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(lockFile).mtimeMs) {
  // npm install, not npm ci: see .ci/run for why.
  console.log('setup: installing npm packages…');
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) fail('npm install failed.');
}

try {
  execFileSync('nats-server', ['--version'], { stdio: 'ignore' });
} catch {
  fail(
    'nats-server was not found on PATH; the tests start their own. Install it with\n' +
      '  Debian/Ubuntu: sudo apt-get install nats-server\n' +
      '  macOS:         brew install nats-server\n' +
      '  anywhere:      go install github.com/nats-io/nats-server/v2@latest',
  );
}
