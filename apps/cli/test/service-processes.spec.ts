import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { RestartSettings } from '@switchyard/service';
import { sleep, waitFor } from '@switchyard/testing';
import { ServiceProcesses, type ChildSpec } from '../src/stack/service-processes.js';

/** Quick backoff, so a test sees several restarts in well under a second. */
const QUICK: RestartSettings = {
  initial_backoff_ms: 20,
  max_backoff_ms: 40,
  max_restarts: 2,
  window_ms: 60_000,
};

/**
 * A node child that says "bye" and exits 0 on SIGTERM, and "up" once it does (said before, a
 * SIGTERM sent on seeing "up" could come before the handler, and end the child by the signal).
 */
function nodeChild(name: string, script: string, restart?: RestartSettings): ChildSpec {
  const onTerm = "process.on('SIGTERM', () => { console.log('bye'); process.exit(0); });";
  return {
    name,
    command: process.execPath,
    args: ['-e', `${onTerm} console.log('up'); ${script}`],
    ...(restart === undefined ? {} : { restart }),
  };
}

const RUNS_ON = 'setInterval(() => {}, 1_000);';
const CRASHES = 'setTimeout(() => process.exit(3), 30);';

let processes: ServiceProcesses;
let output: () => string;

function freshProcesses(): ServiceProcesses {
  const sink = new PassThrough();
  let text = '';
  sink.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  output = () => text;
  processes = new ServiceProcesses(sink, false);
  return processes;
}

const count = (text: string, line: string): number =>
  text.split('\n').filter((l) => l === line).length;

afterEach(async () => {
  await processes?.stopAll(2_000);
});

describe('ServiceProcesses: a child that exits before it is ready', () => {
  it('is said to have exited with its code, or the signal that ended it', async () => {
    const stack = freshProcesses();
    const failing = stack.start(nodeChild('failing', 'process.exit(78);'));
    await expect(failing.firstLine((line) => line === 'ready', 5_000)).rejects.toThrow(
      'failing exited (code 78) before it was ready',
    );
    const killed = stack.start({
      name: 'killed',
      command: process.execPath,
      args: ['-e', "process.kill(process.pid, 'SIGKILL');"],
    });
    await expect(killed.firstLine((line) => line === 'ready', 5_000)).rejects.toThrow(
      'killed exited (SIGKILL) before it was ready',
    );
  });
});

describe('ServiceProcesses: a child that exits unasked', () => {
  it('is only reported when it has no restart settings', async () => {
    const stack = freshProcesses();
    const child = stack.start(nodeChild('once', CRASHES));
    expect(await child.exited).toBe(3);
    await sleep(200);
    expect(count(output(), '[once] up')).toBe(1);
    expect(output()).toContain('[once] exited (code 3)');
    expect(output()).not.toContain('restarting');
  });

  it('is only reported while the stack starts (before keepRunning), then restarted by it', async () => {
    const stack = freshProcesses();
    const child = stack.start(nodeChild('early', CRASHES, QUICK));
    expect(await child.exited).toBe(3);
    await sleep(200);
    expect(count(output(), '[early] up')).toBe(1);
    expect(output()).not.toContain('restarting');
    stack.keepRunning();
    await waitFor(() => count(output(), '[early] up') === 2, {
      timeoutMs: 10_000,
      description: 'keepRunning to restart the child that had exited',
    });
    expect(output()).toMatch(/\[early\] restarting in \d+\.\d s/);
  });

  it('is started again after the backoff, up to the limit, and then said to be given up', async () => {
    const stack = freshProcesses();
    stack.start(nodeChild('flaky', CRASHES, QUICK));
    stack.keepRunning();
    await waitFor(() => output().includes('[flaky] not restarted again'), {
      timeoutMs: 10_000,
      description: 'the restarts to be given up',
    });
    // The first run and `max_restarts` restarts; the crash after them is not followed by one.
    expect(count(output(), '[flaky] up')).toBe(3);
    expect(count(output(), '[flaky] exited (code 3)')).toBe(3);
    expect(output().match(/\[flaky\] restarting in \d+\.\d s/g)).toHaveLength(2);
    expect(output()).toContain(
      '[flaky] not restarted again: it exited more than 2 times within 60.0 s',
    );
    await sleep(200);
    expect(count(output(), '[flaky] up')).toBe(3);
    expect(stack.running).toHaveLength(0);
  });

  it('is started again even when it exited cleanly', async () => {
    const stack = freshProcesses();
    stack.start(nodeChild('quits', 'setTimeout(() => process.exit(0), 30);', QUICK));
    stack.keepRunning();
    await waitFor(() => count(output(), '[quits] up') >= 2, {
      timeoutMs: 10_000,
      description: 'a second run',
    });
    expect(output()).toContain('[quits] exited (code 0)');
  });

  it('keeps its place in the stop order: the children started after it still stop first', async () => {
    const stack = freshProcesses();
    const worker = stack.start(nodeChild('worker', RUNS_ON, QUICK));
    stack.start(nodeChild('gateway', RUNS_ON, QUICK));
    stack.keepRunning();
    await waitFor(
      () => count(output(), '[worker] up') === 1 && count(output(), '[gateway] up') === 1,
      {
        timeoutMs: 10_000,
        description: 'both children to start',
      },
    );
    worker.process.kill('SIGKILL');
    await waitFor(() => count(output(), '[worker] up') === 2, {
      timeoutMs: 10_000,
      description: 'the worker to be restarted',
    });
    await stack.stopAll(5_000);
    const byes = output()
      .split('\n')
      .filter((line) => line.endsWith(' bye'));
    expect(byes).toEqual(['[gateway] bye', '[worker] bye']);
    expect(stack.running).toHaveLength(0);
  });
});

describe('ServiceProcesses: stopping', () => {
  it('cancels a restart that is waiting for its backoff', async () => {
    const stack = freshProcesses();
    // Long enough to stop within it on a busy machine; waited out below, to see nothing start.
    const slow = { ...QUICK, initial_backoff_ms: 2_000, max_backoff_ms: 2_000 };
    const child = stack.start(nodeChild('crashing', CRASHES, slow));
    stack.keepRunning();
    await child.exited;
    await waitFor(() => output().includes('[crashing] restarting in'), {
      timeoutMs: 5_000,
      description: 'the restart to be scheduled',
    });
    await stack.stopAll(2_000);
    await sleep(2_600);
    expect(count(output(), '[crashing] up')).toBe(1);
    expect(stack.running).toHaveLength(0);
  });

  it('restarts nothing that exits because it was stopped', async () => {
    const stack = freshProcesses();
    stack.start(nodeChild('steady', RUNS_ON, QUICK));
    stack.keepRunning();
    await waitFor(() => output().includes('[steady] up'), {
      timeoutMs: 10_000,
      description: 'the child to start',
    });
    await stack.stopAll(5_000);
    await sleep(200);
    expect(output()).toContain('[steady] bye');
    expect(output()).not.toContain('restarting');
    expect(output()).not.toContain('exited');
    expect(stack.running).toHaveLength(0);
  });
});
