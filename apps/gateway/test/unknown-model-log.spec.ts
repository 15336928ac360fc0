import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PROCESS_HOOK_TIMEOUT_MS } from '@switchyard/testing';
import OpenAI, { NotFoundError } from 'openai';
import { startFleet, type Fleet } from './support/fleet.fixture.js';
import { GatewayLog } from './support/gateway-log.js';

const INFO = 30;
const messages = [{ role: 'user' as const, content: 'Hi' }];

// A model nobody serves is the caller's mistake (a typo, a model never pulled), and any client
// can name as many as it likes: a fleet without discovery (no registry to read) must not log a
// warning for each, nor an info line naming each at the default level.
describe('requests for models nobody serves in the gateway log', () => {
  let fleet: Fleet;
  /** The gateway's log lines (it runs in this process and logs JSON to stdout). */
  const log = new GatewayLog();
  const logged = log.lines;

  beforeAll(async () => {
    log.start();
    fleet = await startFleet({
      backends: [{ kind: 'ollama' }],
      config: { log: { level: 'info', format: 'json' } },
    });
  }, PROCESS_HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await fleet?.close();
    log.stop();
  });

  it('answers each with a 404 and logs nothing at the default level', async () => {
    const client = new OpenAI({ baseURL: `${fleet.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    const from = logged.length;
    for (const model of ['typo-1:1b', 'typo-2:1b', 'typo-3:1b']) {
      const error = await client.chat.completions.create({ model, messages }).catch((e) => e);
      expect(error).toBeInstanceOf(NotFoundError);
    }
    const lines = logged.slice(from).filter((line) => Number(line['level']) >= INFO);
    expect(lines).toEqual([]);
  });
});
