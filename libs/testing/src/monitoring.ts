import { get } from 'node:http';
import { SCHEDULING_SLACK_MS } from './scheduling-slack.js';

/**
 * GETs a JSON document from a nats-server monitoring endpoint. Plain `node:http` without keep-alive,
 * so no pooled socket outlives a test.
 */
export function getMonitoringJson<T = unknown>(
  url: string,
  timeoutMs = 2_000 + SCHEDULING_SLACK_MS,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (response.statusCode !== 200) {
          reject(new Error(`GET ${url} answered ${response.statusCode}: ${body.slice(0, 200)}`));
          return;
        }
        try {
          resolve(JSON.parse(body) as T);
        } catch (error) {
          reject(new Error(`GET ${url} did not answer JSON`, { cause: error }));
        }
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`GET ${url} timed out`)));
    request.on('error', reject);
  });
}
