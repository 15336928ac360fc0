import { describe, expect, it } from '@jest/globals';
import { SwitchyardError, type ModelInfo } from '@switchyard/contracts';
import { signalHolds } from '@switchyard/testing';
import type { BackendAdapter, BackendEndpoint } from '../backend-adapter.js';
import { ModelDirectory, SLOW_LISTINGS_KEPT } from './model-directory.js';

// An adapter whose listings the test sets; only listModels is exercised here.
function adapterWith(listings: Map<string, string[] | Error>): BackendAdapter {
  const never = (): never => {
    throw new Error('not used');
  };
  return {
    kind: 'ollama',
    defaultMaxConcurrency: 1,
    listModels: async (endpoint: BackendEndpoint): Promise<ModelInfo[]> => {
      const listing = listings.get(endpoint.id);
      if (listing instanceof Error) throw listing;
      return (listing ?? []).map((name) => ({
        name,
        type: 'chat',
        loaded: false,
        ...(name.endsWith(':latest') ? { aliases: [name.slice(0, -':latest'.length)] } : {}),
      }));
    },
    chat: never,
    complete: never,
    embed: never,
  };
}

const a = { id: 'a', url: 'http://127.0.0.1:1' };
const b = { id: 'b', url: 'http://127.0.0.1:2' };

describe('ModelDirectory', () => {
  // The worker lists with one signal, aborted only when it stops, every refresh interval for as
  // long as it runs: each listing's hold on that signal must end with the listing, or the
  // worker's heap grows by every listing it ever made.
  it('leaves nothing on the long-lived signal it lists with once each listing ended', async () => {
    const listings = new Map<string, string[] | Error>([
      ['a', ['llama3']],
      ['b', new SwitchyardError('backend_unavailable', 'nothing listens')],
    ]);
    const directory = new ModelDirectory(adapterWith(listings), [a, b], 1_000);
    const stop = new AbortController();
    for (let i = 0; i < 20; i++) await directory.refresh(stop.signal);
    expect(directory.endpointsFor('llama3')).toEqual([a]);
    expect(signalHolds(stop.signal)).toEqual({ listeners: 0, dependants: 0 });
  });

  it('ends a listing when the worker stops, and one that takes too long as a timeout', async () => {
    const reasons: unknown[] = [];
    const hanging = Object.assign(adapterWith(new Map()), {
      listModels: (_endpoint: BackendEndpoint, signal?: AbortSignal): Promise<ModelInfo[]> =>
        new Promise((_resolve, reject) =>
          signal?.addEventListener('abort', () => {
            reasons.push(signal.reason);
            reject(new SwitchyardError('backend_unavailable', 'aborted'));
          }),
        ),
    });
    const directory = new ModelDirectory(hanging, [a], 50);
    await directory.refresh();
    expect((reasons[0] as Error).name).toBe('TimeoutError');

    const stop = new AbortController();
    const slow = new ModelDirectory(hanging, [a], 60_000);
    const refreshed = slow.refresh(stop.signal);
    stop.abort(new Error('worker stopping'));
    await refreshed;
    expect(reasons[1]).toEqual(new Error('worker stopping'));
    expect(signalHolds(stop.signal)).toEqual({ listeners: 0, dependants: 0 });
  });

  it('reports models as they appear and go away', async () => {
    const listings = new Map<string, string[] | Error>([
      ['a', ['llama3']],
      ['b', ['llama3', 'qwen']],
    ]);
    const directory = new ModelDirectory(adapterWith(listings), [a, b], 1_000);

    expect(await directory.refresh()).toEqual({ added: ['llama3', 'qwen'], removed: [] });
    expect(directory.endpointsFor('llama3')).toEqual([a, b]);

    listings.set('b', ['llama3', 'mistral']);
    expect(await directory.refresh()).toEqual({ added: ['mistral'], removed: ['qwen'] });
    expect(await directory.refresh()).toEqual({ added: [], removed: [] });
  });

  it('knows which models an endpoint loads first, under every name, until one answered', async () => {
    const listings = new Map<string, string[] | Error>([
      ['a', ['llama3.2:latest']],
      ['b', ['llama3.2:latest']],
    ]);
    const directory = new ModelDirectory(adapterWith(listings), [a, b], 1_000);
    expect(directory.isCold(a, 'llama3.2')).toBe(false);
    await directory.refresh();
    expect(directory.isCold(a, 'llama3.2')).toBe(true);
    expect(directory.isCold(a, 'llama3.2:latest')).toBe(true);
    directory.markLoaded(a, 'llama3.2');
    expect(directory.isCold(a, 'llama3.2:latest')).toBe(false);
    expect(directory.isCold(a, 'llama3.2')).toBe(false);
    expect(directory.isCold(b, 'llama3.2')).toBe(true);
    // The next listing is the backend's word again (it may have unloaded the model since).
    await directory.refresh();
    expect(directory.isCold(a, 'llama3.2')).toBe(true);
  });

  it('serves models under their aliases too', async () => {
    const directory = new ModelDirectory(
      adapterWith(new Map([['a', ['llama3.2:latest']]])),
      [a],
      1_000,
    );
    expect(await directory.refresh()).toEqual({
      added: ['llama3.2:latest', 'llama3.2'],
      removed: [],
    });
    expect(directory.endpointsFor('llama3.2')).toEqual([a]);
    expect(directory.aliasOf('llama3.2')).toBe('llama3.2:latest');
    expect(directory.aliasOf('llama3.2:latest')).toBeUndefined();
  });

  it('counts a name as an alias only while no endpoint lists it as a model of its own', async () => {
    const listings = new Map<string, string[] | Error>([
      ['a', ['llama3.2:latest']],
      ['b', ['llama3.2']],
    ]);
    const directory = new ModelDirectory(adapterWith(listings), [a, b], 1_000);
    await directory.refresh();
    expect(directory.aliasOf('llama3.2')).toBeUndefined();
    expect(directory.endpointsFor('llama3.2')).toEqual([a, b]);
    listings.set('b', []);
    await directory.refresh();
    expect(directory.aliasOf('llama3.2')).toBe('llama3.2:latest');
  });

  it('keeps what a busy endpoint last listed through a few slow listings, then drops it', async () => {
    const listings = new Map<string, string[] | Error>([['a', ['llama3']]]);
    const directory = new ModelDirectory(adapterWith(listings), [a], 1_000);
    await directory.refresh();

    // Answering, but too late: a backend busy generating.
    listings.set('a', new SwitchyardError('timeout', 'the request deadline passed'));
    for (let listing = 1; listing <= SLOW_LISTINGS_KEPT; listing++) {
      expect(await directory.refresh()).toEqual({ added: [], removed: [] });
      expect(directory.endpointsFor('llama3')).toEqual([a]);
      expect(directory.endpoints()[0]).toMatchObject({ reachable: false, failedListings: listing });
    }
    expect(await directory.refresh()).toEqual({ added: [], removed: ['llama3'] });
    expect(directory.endpointsFor('llama3')).toEqual([]);

    listings.set('a', ['llama3']);
    expect(await directory.refresh()).toEqual({ added: ['llama3'], removed: [] });
    expect(directory.endpoints()[0]).toMatchObject({ reachable: true, failedListings: 0 });
  });

  // Discovery's registry changes whenever a backend's state or models do, and the worker sets its
  // endpoints again then, often while a listing is under way (one every refresh interval). The
  // listing's outcome must count for the endpoint kept, or the refresh that awaited it serves what
  // the endpoint had before (nothing, the first time) and a failure is counted and told again.
  it('counts a listing under way when the endpoints are set again and the endpoint kept', async () => {
    let listed: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (listed = resolve));
    const listings = new Map<string, string[] | Error>([
      ['a', ['llama3']],
      ['b', new SwitchyardError('backend_unavailable', 'connect ECONNREFUSED')],
    ]);
    const plain = adapterWith(listings);
    const gated = Object.assign({}, plain, {
      listModels: async (endpoint: BackendEndpoint, signal: AbortSignal): Promise<ModelInfo[]> => {
        await gate;
        return plain.listModels(endpoint, signal);
      },
    });
    const directory = new ModelDirectory(gated, [a, b], 1_000);
    const refreshed = directory.refresh();
    directory.setEndpoints([a, b]);
    listed();
    expect(await refreshed).toEqual({ added: ['llama3'], removed: [] });
    expect(directory.endpointsFor('llama3')).toEqual([a]);
    expect(directory.endpoints()).toMatchObject([
      { reachable: true, failedListings: 0 },
      { reachable: false, failedListings: 1 },
    ]);
    await directory.refresh();
    expect(directory.endpoints()[1]).toMatchObject({ failedListings: 2 });
  });

  it('serves nothing from an endpoint nothing answers at, until it can list it again', async () => {
    const listings = new Map<string, string[] | Error>([['a', ['llama3']]]);
    const directory = new ModelDirectory(adapterWith(listings), [a], 1_000);
    await directory.refresh();

    listings.set('a', new SwitchyardError('backend_unavailable', 'connect ECONNREFUSED'));
    expect(await directory.refresh()).toEqual({ added: [], removed: ['llama3'] });
    expect(directory.endpoints()[0]).toMatchObject({ reachable: false, models: [] });
    expect(directory.endpointsFor('llama3')).toEqual([]);

    listings.set('a', ['llama3']);
    expect(await directory.refresh()).toEqual({ added: ['llama3'], removed: [] });
  });

  it('offers an endpoint a request found unavailable after the others, until it lists again', async () => {
    const c = { id: 'c', url: 'http://127.0.0.1:3' };
    const listings = new Map<string, string[] | Error>([
      ['a', ['llama3', 'qwen']],
      ['b', ['llama3']],
      ['c', ['llama3']],
    ]);
    const directory = new ModelDirectory(adapterWith(listings), [a, b, c], 1_000);
    await directory.refresh();
    const before = directory.endpointsFor('llama3');

    expect(directory.setAside(a)).toBe(true);
    expect(directory.setAside(a)).toBe(false);
    expect(directory.endpointsFor('llama3')).toEqual([b, c, a]);
    // The only endpoint of a model stays its endpoint: a request there says why it fails.
    expect(directory.endpointsFor('qwen')).toEqual([a]);
    // Lists handed out before are the directory's own, and were not reordered under a request.
    expect(before).toEqual([a, b, c]);

    // Answering but slow, it stays set aside; once it lists, it is first again.
    listings.set('a', new SwitchyardError('timeout', 'the request deadline passed'));
    await directory.refresh();
    expect(directory.endpointsFor('llama3')).toEqual([b, c, a]);
    listings.set('a', ['llama3', 'qwen']);
    await directory.refresh();
    expect(directory.endpointsFor('llama3')).toEqual([a, b, c]);
    expect(directory.endpoints()[0]).toMatchObject({ reachable: true, setAside: false });
    expect(directory.setAside({ id: 'unknown', url: 'http://127.0.0.1:4' })).toBe(false);
  });
});
