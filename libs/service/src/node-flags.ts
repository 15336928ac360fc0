/**
 * The flags every Switchyard service's `node` runs with, wherever it is started: `switchyard up`
 * passes them, the image's entrypoint (`deploy/docker/entrypoint.sh`, checked against this list
 * by the deploy tests) and the benchmark too.
 *
 * `--max-semi-space-size=32` (MiB): V8's young generation, where nearly everything a request
 * allocates dies, is two semi-spaces of at most 16 MiB by default on Node 20. A gateway at a few
 * thousand requests per second fills that many times a second, and every collection copies what
 * is still alive (the requests in flight) and promotes what survives two to the old generation,
 * whose collections cost more. At 32 MiB the collections are half as frequent: the gateway's CPU
 * per request at concurrency 16 fell 11 % (185 → 166 µs, three interleaved pairs), the worker's
 * 4 %, for some 15–30 MiB more resident memory under load. 64 saved no more CPU, cost 50 MiB more
 * memory and made each pause long enough to show in streams' token gaps; 128 was slower.
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=32'];
