import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// From bench/dist/paths.js (or bench/src/paths.ts under jest): two levels up is the repository.
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH_ROOT = join(REPO_ROOT, 'bench');

/** The entry of a Switchyard app's build (`apps/<app>/dist/main.js`), checked to exist. */
export function appEntry(app: string): string {
  const entry = join(REPO_ROOT, 'apps', app, 'dist', 'main.js');
  if (!existsSync(entry)) {
    throw new Error(`${entry} is missing: build first (npm run bench builds everything it needs)`);
  }
  return entry;
}

/** A file of this package's build (`bench/dist/...`), e.g. a preload hook. */
export function benchDist(...parts: string[]): string {
  return join(BENCH_ROOT, 'dist', ...parts);
}

/** The directory of an installed npm package, looked up the way node does (walking up). */
export function packageDir(name: string): string {
  let dir = BENCH_ROOT;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`${name} is not installed: run npm install at the root`);
    dir = parent;
  }
}
