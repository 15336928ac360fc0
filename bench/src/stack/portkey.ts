import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchDist, packageDir } from '../paths.js';
import { freePort } from '../proc/free-port.js';
import { ManagedChild } from '../proc/managed-child.js';
import { readFileSync } from 'node:fs';

export interface BenchPortkey {
  url: string;
  version: string;
  process: ManagedChild;
}

/**
 * The peer gateway: `@portkey-ai/gateway` from the npm registry, run as its own `start-server`
 * does (`--port`, `--headless`), in production mode (no log UI). It forwards to whatever
 * `x-portkey-custom-host` / `x-portkey-config` each request names.
 */
export async function startPortkey(): Promise<BenchPortkey> {
  const dir = packageDir('@portkey-ai/gateway');
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const port = await freePort();
  const child = new ManagedChild({
    name: 'portkey',
    command: process.execPath,
    args: [
      '--import',
      pathToFileURL(benchDist('hooks', 'portkey-fetch-shim.js')).href,
      join(dir, 'build', 'start-server.js'),
      `--port=${port}`,
      '--headless',
    ],
    env: { NODE_ENV: 'production' },
  });
  await child.waitForLine(
    (line) => line.includes('Ready for connections'),
    30_000,
    'its ready line',
  );
  return { url: `http://127.0.0.1:${port}`, version, process: child };
}
