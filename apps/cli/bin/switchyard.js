#!/usr/bin/env node
// `npx switchyard` in this repository: the root package.json's `bin` points here. npm links no
// bin whose file is missing at `npm install`, and dist/ only exists after the build, so the
// command needs a file that is always there; being committed as executable, it also keeps
// working after a clean build re-creates dist/main.js without the x bit.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('switchyard: the CLI is not built yet: run "npm run build" first\n');
  process.exit(1);
}
await import(main.href);
