import { spawn } from 'node:child_process';
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
});
