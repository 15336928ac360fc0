import { afterEach, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface Run {
  child: ChildProcess;
  /** Resolves with the next JSON line on stdout. */
  nextEvent(): Promise<Record<string, unknown>>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[
    Symbol.asyncIterator
  ]();
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = once(child, 'exit').then(([code, signal]) => ({
    code,
    signal,
    stderr,
  })) as Run['exit'];
  return {
    child,
    exit,
    nextEvent: async () =>
      JSON.parse((await lines.next()).value as string) as Record<string, unknown>,
  };
}

// The CLI entry a parent process spawns: JSON lines on stdout, SIGTERM → exit 0, bad options
// → one line on stderr and exit code 2.
describe('the CLI', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('announces a port-0 vLLM before it listens, serves after its load time, and exits 0 on SIGTERM', async () => {
    const sim = run(['--kind', 'vllm', '--port', '0', '--load-ms', '800']);
    children.push(sim.child);
    const starting = await sim.nextEvent();
    expect(starting).toMatchObject({
      event: 'starting',
      kind: 'vllm',
      host: '127.0.0.1',
      pid: sim.child.pid,
    });
    const url = starting.url as string;
    expect(url).toBe(`http://127.0.0.1:${starting.port}`);
    await expect(fetch(`${url}/health`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    expect(await sim.nextEvent()).toMatchObject({ event: 'listening', url });
    expect((await fetch(`${url}/health`)).status).toBe(200);
    sim.child.kill('SIGTERM');
    expect(await sim.exit).toMatchObject({ code: 0, signal: null });
  });

  it('rejects bad options with one line on stderr and exit code 2', async () => {
    for (const args of [['--kind', 'tgi'], ['--kind', 'ollama', '--fail-rate', '3'], ['--nope']]) {
      const sim = run(args);
      children.push(sim.child);
      const { code, stderr } = await sim.exit;
      expect(code).toBe(2);
      expect(stderr).toMatch(/^backend-sim: [^\n]+\n$/);
    }
  });

  it('prints its usage for --help', async () => {
    const sim = run(['--help']);
    let stdout = '';
    sim.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    expect((await sim.exit).code).toBe(0);
    expect(stdout).toContain('--kind ollama|lmstudio|vllm');
    // Run from the repository, it names its entry point; `switchyard sim` names itself (cli tests).
    expect(stdout).toMatch(/^Usage: node apps\/backend-sim\/dist\/main\.js --kind /);
  });
});
