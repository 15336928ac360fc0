// Prints one closing line for all the projects' test runs: "tests: N passed, N failed, N skipped",
// after repeating each failure, so the end of a long log says what went wrong.
import { readdirSync, readFileSync } from 'node:fs';

const dir = new URL('../../tmp/test-totals/', import.meta.url);
let files = [];
try {
  files = readdirSync(dir).filter((name) => name.endsWith('.json'));
} catch {
  // no project ran its tests
}
const sum = { passed: 0, failed: 0, skipped: 0 };
for (const file of files) {
  const totals = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
  for (const key of Object.keys(sum)) sum[key] += totals[key];
  for (const failure of totals.failures ?? []) {
    console.log(`\nFAILED ${totals.project}: ${failure.test}\n${failure.message}`);
  }
}
console.log(`tests: ${sum.passed} passed, ${sum.failed} failed, ${sum.skipped} skipped`);
process.exit(files.length === 0 || sum.failed > 0 ? 1 : 0);
