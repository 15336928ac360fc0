import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import { isProcessRunning, SCHEDULING_SLACK_MS, waitFor } from '@switchyard/testing';
import { PARENT_PID_ENV } from '../src/run-service.js';

const fixture = fileURLToPath(new URL('./fixtures/fixture-service.mjs', import.meta.url));

// A supervisor as `switchyard up` is one: it starts the service in a process group of its own
// (so a terminal's Ctrl-C reaches only the supervisor), names itself in SWITCHYARD_PARENT_PID and
// reads the service's stdout through a pipe, which breaks when the supervisor dies.
const SUPERVISOR = `
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, [process.argv[1]], {
  env: { ...process.env, ${PARENT_PID_ENV}: String(process.pid) },
  stdio: ['ignore', 'pipe', 'inherit'],
  detached: true,
});
child.stdout.pipe(process.stdout);
`;

describe('a service whose supervisor dies', () => {
  let dir: string;
  let servicePid: number | undefined;

  afterEach(() => {
    if (servicePid !== undefined && isProcessRunning(servicePid))
      process.kill(servicePid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops as on SIGTERM, finishing in-flight work, and exits 0', async () => {
    dir = mkdtempSync(join(tmpdir(), 'supervisor-gone-'));
    const recordFile = join(dir, 'record');
    const supervisor = spawn(process.execPath, ['-e', SUPERVISOR, fixture], {
      env: {
        ...process.env,
        SWITCHYARD_LOG__FORMAT: 'json',
        SWITCHYARD_CONFIG: '/dev/null',
        FIXTURE_RECORD_FILE: recordFile,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    supervisor.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    await waitFor(() => stdout.includes('"msg":"fixture started"'), {
      timeoutMs: 10_000 + SCHEDULING_SLACK_MS,
      description: 'the service to start under its supervisor',
    });
    const started = JSON.parse(
      stdout.split('\n').find((line) => line.includes('"msg":"fixture started"')) as string,
    ) as { pid: number };
    servicePid = started.pid;

    supervisor.kill('SIGKILL');
    const record = (): string[] =>
      existsSync(recordFile) ? readFileSync(recordFile, 'utf8').trim().split('\n') : [];
    await waitFor(() => record().some((line) => line.startsWith('exit')), {
      timeoutMs: 5_000 + SCHEDULING_SLACK_MS,
      description: 'the service to stop after its supervisor died',
    });

    // The in-flight work was finished before the exit: a clean shutdown, not a crash on the
    // broken stdout pipe.
    expect(record()).toEqual(['in-flight work finished', 'exit 0']);
    await waitFor(() => !isProcessRunning(started.pid), {
      description: 'the service process to be gone',
    });
  });
});
