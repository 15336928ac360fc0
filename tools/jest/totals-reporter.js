// Records each project's test totals, and what failed, in tmp/test-totals/, so that the end of a
// whole `nx run-many` can sum them up and repeat the failures where a truncated log still shows
// them (see tools/scripts/test-totals.mjs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const totalsDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tmp', 'test-totals');

export default class TotalsReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    mkdirSync(totalsDir, { recursive: true });
    const totals = {
      project: basename(this.rootDir),
      passed: results.numPassedTests,
      failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
      skipped: results.numPendingTests + results.numTodoTests,
      failures: failuresOf(results, this.rootDir),
    };
    writeFileSync(join(totalsDir, `${totals.project}.json`), JSON.stringify(totals));
  }
}

const MAX_MESSAGE_LINES = 12;

function failuresOf(results, rootDir) {
  const failures = [];
  for (const file of results.testResults) {
    const path = file.testFilePath.slice(rootDir.length + 1);
    if (file.testExecError) {
      failures.push({ test: path, message: trim(file.testExecError.message) });
    }
    // A reporter gets TestResult objects: their assertions are `testResults` (`assertionResults`
    // is the name in the --json output only).
    for (const test of file.testResults) {
      if (test.status !== 'failed') continue;
      failures.push({
        test: `${path} › ${test.fullName}`,
        message: trim(test.failureMessages.join('\n')),
      });
    }
  }
  return failures;
}

function trim(message) {
  // eslint-disable-next-line no-control-regex -- strip the terminal colours jest adds
  const plain = message.replace(/\u001b\[[0-9;]*m/g, '');
  return plain.split('\n').slice(0, MAX_MESSAGE_LINES).join('\n');
}
