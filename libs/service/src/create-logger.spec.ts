import { PassThrough } from 'node:stream';
import { describe, expect, it, jest } from '@jest/globals';
import { withFields } from '@switchyard/nats';
import { createLogger, TERMINAL_OUTPUT_ENV } from './create-logger.js';

function capture(format: 'json' | 'pretty' | 'auto', isTerminal = false) {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const logger = createLogger({
    service: 'gateway',
    config: { level: 'info', format },
    destination: stream,
    isTerminal,
  });
  return { logger, output: () => chunks.join('') };
}

describe('createLogger', () => {
  it('writes one JSON object per line with the service name', () => {
    const { logger, output } = capture('json');
    logger.info({ model: 'llama3' }, 'routed');
    const line = JSON.parse(output().trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ service: 'gateway', model: 'llama3', msg: 'routed', level: 30 });
  });

  it('never writes secrets', () => {
    const { logger, output } = capture('json');
    logger.info(
      {
        config: { nats: { password: 'hunter2', token: 'tok-123' } },
        headers: { authorization: 'Bearer sk-1' },
      },
      'x',
    );
    logger.info({ password: 'p4ss', api_key: 'sk-2' }, 'y');
    expect(output()).not.toMatch(/hunter2|tok-123|sk-1|p4ss|sk-2/);
    expect(output()).toContain('[redacted]');
  });

  it('is human-readable on a terminal and JSON elsewhere when the format is auto', () => {
    const terminal = capture('auto', true);
    terminal.logger.info('hello');
    expect(() => JSON.parse(terminal.output().trim())).toThrow();
    expect(terminal.output()).toContain('hello');

    const piped = capture('auto', false);
    piped.logger.info('hello');
    expect(JSON.parse(piped.output().trim())).toMatchObject({ msg: 'hello' });
  });

  it("writes an error's message once, its cause apart", () => {
    const { logger, output } = capture('json');
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:11434');
    logger.warn({ err: new Error(`backend unreachable: ${cause.message}`, { cause }) }, 'failed');
    const line = JSON.parse(output().trim()) as { err: Record<string, unknown> };
    expect(line.err['message']).toBe('backend unreachable: connect ECONNREFUSED 127.0.0.1:11434');
    expect(line.err['cause']).toMatchObject({ message: 'connect ECONNREFUSED 127.0.0.1:11434' });
  });

  // `switchyard up` pipes its services' output to the terminal it runs on.
  it('is human-readable with auto when a supervisor says the lines reach a terminal', () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    process.env[TERMINAL_OUTPUT_ENV] = '1';
    try {
      const logger = createLogger({
        service: 'gateway',
        config: { level: 'info', format: 'auto' },
        destination: stream,
      });
      logger.info('hello');
    } finally {
      delete process.env[TERMINAL_OUTPUT_ENV];
    }
    expect(() => JSON.parse(chunks.join('').trim())).toThrow();
    expect(chunks.join('')).toContain('hello');
  });
});

describe('withFields on the service logger', () => {
  const lines = (text: string) =>
    text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('adds its fields to every line, secrets redacted', () => {
    const { logger, output } = capture('json');
    const log = withFields(logger, () => ({ request_id: 'req_1', password: 'p4ss' }));
    log.info({ model: 'llama3' }, 'routed');
    log.error({ code: 'internal' }, 'failed');
    const [routed, failed] = lines(output());
    expect(routed).toMatchObject({ service: 'gateway', request_id: 'req_1', model: 'llama3' });
    expect(failed).toMatchObject({ request_id: 'req_1', code: 'internal', level: 50 });
    expect(output()).not.toContain('p4ss');
  });

  it('asks for its fields and makes its child only when a line at a level the logger writes comes', () => {
    const { logger, output } = capture('json');
    const child = jest.spyOn(logger, 'child');
    let asked = 0;
    const log = withFields(logger, () => {
      asked++;
      return { request_id: 'req_2' };
    });
    log.debug({ model: 'llama3' }, 'request started');
    expect(child).not.toHaveBeenCalled();
    expect(asked).toBe(0);
    expect(output()).toBe('');

    log.warn({ model: 'llama3' }, 'slow');
    log.info({ model: 'llama3' }, 'done');
    expect(child).toHaveBeenCalledTimes(1);
    expect(asked).toBe(1);
    expect(lines(output()).map((line) => [line['request_id'], line['msg']])).toEqual([
      ['req_2', 'slow'],
      ['req_2', 'done'],
    ]);
  });
});
