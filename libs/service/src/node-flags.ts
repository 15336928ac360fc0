/**
 * The flags every Switchyard service's `node` runs with, wherever it is started: `switchyard up`
 * passes them, the image's entrypoint (`deploy/docker/entrypoint.sh`, checked against this list
 * by the deploy tests) and the benchmark too.
 *
 * `--max-semi-space-size=32` (MiB): the size of V8's young generation, where nearly everything a
 * request allocates dies. Every collection of it copies what is still alive (the requests in
 * flight) and promotes what survived two to the old generation, whose collections cost more, so
 * the smaller it is, the more CPU a busy service spends collecting; the larger, the more memory
 * it holds. V8's default depends on the runtime: 16 MiB on Node 20, 64 MiB on Node 24 (on a
 * machine with memory to spare). 32 gives both the same trade, measured in interleaved pairs:
 * - Node 20: the gateway's CPU per request at concurrency 16 fell a tenth (median 190 → 170 µs
 *   over six runs of each), the worker's 4 %, streams unchanged, for some 35 MiB more in a busy service (after
 *   512 streams: gateway 149 → 180–185 MiB, worker 146–149 → 181–190). 64 saved no more CPU;
 *   128 was slower.
 * - Node 24 (the image's runtime): CPU unchanged (gateway 129–156 µs either way, three pairs),
 *   some 65 MiB less after 512 streams (gateway 272 → 207 MiB, worker 276 → 209).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
