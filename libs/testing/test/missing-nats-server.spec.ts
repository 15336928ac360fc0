import { describe, expect, it } from '@jest/globals';
import { NatsServerNotFoundError, startNatsServer } from '../src/index.js';

describe('startNatsServer without the binary', () => {
  it('fails with an error that says how to install it', async () => {
    const attempt = startNatsServer({ binary: 'nats-server-that-does-not-exist' });
    await expect(attempt).rejects.toBeInstanceOf(NatsServerNotFoundError);
    await expect(attempt).rejects.toThrow(/apt-get install nats-server/);
  });
});
