import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

// The README's `npx switchyard …` from the repository root, after `npm install` and the build.
describe('npx switchyard', () => {
  it("runs this repository's CLI from the root", async () => {
    // --offline: the command must come from this repository, never from the registry.
    const child = spawn('npx', ['--offline', 'switchyard', '--help'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^Usage: switchyard <command>/);
  }, 60_000);

  it('is a bin npm links at install, before anything is built', () => {
    // npm links no bin whose file is missing at install time; dist/ only exists after the build.
    const cli = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      bin: Record<string, string>;
    };
    const bin = cli.bin['switchyard'] as string;
    expect(bin).not.toMatch(/dist\//);
    expect(readFileSync(new URL(`../${bin}`, import.meta.url), 'utf8')).toMatch(
      /^#!\/usr\/bin\/env node\n/,
    );
  });
});
