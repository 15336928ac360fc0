import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { FLEET_MAX_PAYLOAD_BYTES } from '@switchyard/contracts';

const natsDir = new URL('../nats/', import.meta.url);

/** A nats-server size (`8MB`, `512KB`, `8388608`) in bytes: its units are powers of 1,024. */
function bytesOf(size: string): number {
  const match = /^(\d+)\s*(KB|MB|GB)?$/i.exec(size.trim());
  if (match === null) throw new Error(`not a nats-server size: ${size}`);
  const unit = { KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[match[2]?.toUpperCase() ?? ''] ?? 1;
  return Number(match[1]) * unit;
}

// A request travels to its worker as one message: every server the deployment ships must take
// the fleet's message size, which the workers and `switchyard up` assume.
describe('the max_payload of the shipped nats-server configurations', () => {
  // The cluster's nodes include cluster.conf, which sets it for them.
  const confs = readdirSync(natsDir).filter(
    (name) =>
      name.endsWith('.conf') &&
      readFileSync(new URL(name, natsDir), 'utf8').includes('max_payload'),
  );

  it('is set by the single server, the cluster and the leaf node', () => {
    expect(confs).toEqual(expect.arrayContaining(['nats.conf', 'cluster.conf', 'leaf-gpu.conf']));
  });

  it.each(confs)('%s takes the fleet message size, FLEET_MAX_PAYLOAD_BYTES', (name) => {
    const text = readFileSync(new URL(name, natsDir), 'utf8');
    const setting = /^\s*max_payload\s*[:=]\s*(\S+)\s*$/m.exec(text)?.[1];
    expect(setting).toBeDefined();
    expect(bytesOf(setting as string)).toBe(FLEET_MAX_PAYLOAD_BYTES);
  });
});
