import type { WorkerTestbedOptions } from '../worker-testbed.js';
import type {
  ConformanceBed,
  SimulatedBackendOptions,
  WorkerKindProfile,
} from './conformance-profile.js';
import { jestApi } from './jest-api.js';

/**
 * Starts the kind's testbed before the enclosing `describe`'s tests and closes it after them;
 * the returned function reads it inside a test.
 */
export function useTestbed(
  profile: WorkerKindProfile,
  options?: WorkerTestbedOptions<SimulatedBackendOptions>,
): () => ConformanceBed {
  const { beforeAll, afterAll } = jestApi();
  let bed: ConformanceBed | undefined;
  beforeAll(async () => {
    bed = await profile.start(options);
  });
  afterAll(async () => {
    await bed?.close();
  });
  return () => {
    if (bed === undefined) throw new Error('the testbed did not start');
    return bed;
  };
}
