import { describe, expect, it } from '@jest/globals';
import { parseCliArgs } from './cli-args.js';
import { SimOptionsError } from './sim-errors.js';
import { resolveOptions } from './sim-options.js';

describe('parseCliArgs', () => {
  it('reads every option, in both --flag value and --flag=value forms', () => {
    const command = parseCliArgs([
      '--kind',
      'vllm',
      '--port=0',
      '--host',
      '0.0.0.0',
      '--models',
      'a, b',
      '--tokens-per-second',
      '50',
      '--ttft-ms',
      '5',
      '--load-ms=0',
      '--max-concurrency',
      '2',
      '--queue',
      '3',
      '--seed',
      '7',
      '--fail-rate',
      '0.5',
      '--api-key',
      'k',
      '--parent-pid=4321',
    ]);
    expect(command).toEqual({
      help: false,
      options: {
        kind: 'vllm',
        port: 0,
        host: '0.0.0.0',
        models: ['a', 'b'],
        tokensPerSecond: 50,
        ttftMs: 5,
        loadMs: 0,
        maxConcurrency: 2,
        queue: 3,
        seed: 7,
        failRate: 0.5,
        apiKey: 'k',
      },
      parentPid: 4321,
    });
  });

  it("defaults the port to the kind's usual one", () => {
    expect(parseCliArgs(['--kind', 'ollama'])).toMatchObject({ options: { port: 11434 } });
    expect(parseCliArgs(['--kind', 'lmstudio'])).toMatchObject({ options: { port: 1234 } });
    expect(parseCliArgs(['--kind', 'vllm'])).toMatchObject({ options: { port: 8000 } });
  });

  it('answers help, and refuses bad options with one-line messages', () => {
    expect(parseCliArgs(['--kind', 'vllm', '--help'])).toEqual({ help: true });
    const bad = [
      [[], '--kind is required'],
      [['--kind', 'tgi'], '--kind must be one of'],
      [['--kind', 'vllm', '--port'], '--port needs a value'],
      [['--kind', 'vllm', '--port', 'x'], '--port must be a number'],
      [['--kind', 'vllm', '--bogus', '1'], 'unknown option --bogus'],
      [['--kind', 'vllm', 'constructor', '1'], 'unknown option constructor'],
      [['--kind', 'vllm', '--parent-pid', '0'], '--parent-pid must be a process id, got "0"'],
    ] as const;
    for (const [argv, message] of bad) {
      expect(() => parseCliArgs(argv)).toThrow(SimOptionsError);
      expect(() => parseCliArgs(argv)).toThrow(message);
    }
  });
});

describe('resolveOptions', () => {
  it('fills per-kind defaults and rejects out-of-range values', () => {
    expect(resolveOptions({ kind: 'ollama' })).toMatchObject({
      maxConcurrency: 1,
      queue: 512,
      port: 0,
    });
    expect(resolveOptions({ kind: 'lmstudio' }).maxConcurrency).toBe(4);
    expect(() => resolveOptions({ kind: 'vllm', port: 70000 })).toThrow('--port');
    expect(() => resolveOptions({ kind: 'vllm', failRate: 2 })).toThrow('--fail-rate');
    expect(() => resolveOptions({ kind: 'vllm', maxConcurrency: 0 })).toThrow('--max-concurrency');
    expect(() => resolveOptions({ kind: 'ollama', apiKey: 'k' })).toThrow('--api-key');
  });
});
