import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { MANAGEMENT_COMMANDS } from '../subjects/subjects.js';

// The management table of docs/protocol.md is what integrators read; it must name every command.
const protocolDoc = readFileSync(new URL('../../../../docs/protocol.md', import.meta.url), 'utf8');

describe('docs/protocol.md model management', () => {
  it('documents exactly the management commands, in their order', () => {
    const section =
      protocolDoc
        .split('<!-- management-commands:start -->')[1]
        ?.split('<!-- management-commands:end -->')[0] ?? '';
    const commands = section
      .split('\n')
      .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
      .slice(1)
      .map((line) => line.split('|')[1]?.trim().replace(/^`|`$/g, ''));
    expect(commands).toEqual([...MANAGEMENT_COMMANDS]);
  });
});
