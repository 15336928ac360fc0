import { describe, expect, it } from '@jest/globals';
import { DEFAULT_OPTIONS, OptionsError, parseOptions } from './options.js';

describe('parseOptions', () => {
  it('defaults to every scenario, three rounds and five-second runs', () => {
    expect(parseOptions([], 'out')).toEqual({ ...DEFAULT_OPTIONS, outDir: 'out' });
    expect(DEFAULT_OPTIONS.scenarios).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('reads a quick run', () => {
    const options = parseOptions(
      ['--rounds', '1', '--duration=2', '--scenario', '2,1,2', '--out', '/tmp/b'],
      'out',
    );
    expect(options).toEqual({
      ...DEFAULT_OPTIONS,
      rounds: 1,
      durationSec: 2,
      scenarios: [1, 2],
      outDir: '/tmp/b',
    });
  });

  it('reads where CPU profiles go', () => {
    expect(parseOptions(['--cpu-prof', '/tmp/prof'], 'out').cpuProfDir).toBe('/tmp/prof');
    expect(parseOptions([], 'out').cpuProfDir).toBeUndefined();
    expect(() => parseOptions(['--cpu-prof'], 'out')).toThrow('--cpu-prof needs a value');
  });

  it('names the bad option', () => {
    expect(() => parseOptions(['--rounds', '0'], 'out')).toThrow(
      '--rounds takes a whole number from 1 to 50 (got "0")',
    );
    expect(() => parseOptions(['--duration', '1.5'], 'out')).toThrow(OptionsError);
    expect(() => parseOptions(['--scenario', '1,7'], 'out')).toThrow('(got "7")');
    expect(() => parseOptions(['--rounds'], 'out')).toThrow('--rounds needs a value');
    expect(() => parseOptions(['--fast'], 'out')).toThrow('unknown option "--fast"');
  });
});
