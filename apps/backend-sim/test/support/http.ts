import { SCHEDULING_SLACK_MS } from '@switchyard/testing';
import { startSimulator, type RunningSimulator, type StartOptions } from '../../src/index.js';

/** A simulator with no artificial delays unless the test asks for some. */
export function startFastSimulator(options: StartOptions): Promise<RunningSimulator> {
  return startSimulator({ tokensPerSecond: 0, ttftMs: 0, loadMs: 0, pullMs: 10, ...options });
}

export function postJson(
  url: string,
  body: unknown,
  init: { headers?: Record<string, string>; signal?: AbortSignal; method?: string } = {},
): Promise<Response> {
  return fetch(url, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: JSON.stringify(body),
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

/** Every NDJSON line of a body, parsed; asserts each line is one complete JSON object. */
export async function readNdjson(response: Response): Promise<Record<string, unknown>[]> {
  const text = await response.text();
  if (!text.endsWith('\n')) throw new Error(`NDJSON body does not end with a newline: ${text}`);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The `data:` payloads of an SSE body, in order (`[DONE]` kept as the string). */
export async function readSse(response: Response): Promise<unknown[]> {
  return parseSse(await response.text());
}

export function parseSse(text: string): unknown[] {
  const events = text.split('\n\n');
  if (events.pop() !== '') throw new Error(`SSE body does not end with a blank line: ${text}`);
  return events.map((event) => {
    if (!event.startsWith('data: ')) throw new Error(`not a data event: ${event}`);
    const data = event.slice(6);
    return data === '[DONE]' ? data : (JSON.parse(data) as unknown);
  });
}

/** Polls until `check` holds (or fails after `timeoutMs`). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 2000 + SCHEDULING_SLACK_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
