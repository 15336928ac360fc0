#!/usr/bin/env node
// The `switchyard` command (`npx switchyard` in this repository). npm links no bin whose file is
// missing at `npm install`, and dist/ only exists after the build, so the package's bin is this
// file, always there; committed as executable, it keeps working after a clean build re-creates
// dist/main.js without the x bit.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('switchyard: the CLI is not built yet: run "npm run build" first\n');
  process.exit(1);
}
await import(main.href);
