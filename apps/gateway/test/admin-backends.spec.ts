import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { backendStatusSchema } from '@switchyard/contracts';
import { sha256Hex } from '../src/auth/api-key.policy.js';
import { startOrchestratedFleet, type OrchestratedFleet } from './support/orchestrated-fleet.js';

const ADMIN_KEY = 'sk-admin-test';
const API_KEY = 'sk-user-test';

// The admin routes: the registry and the orchestrator's view, and backend commands.
describe('/admin/backends', () => {
  let fleet: OrchestratedFleet;

  beforeAll(async () => {
    fleet = await startOrchestratedFleet({
      gateway: { admin_key_hashes: [sha256Hex(ADMIN_KEY)], api_key_hashes: [sha256Hex(API_KEY)] },
    });
  }, 60_000);

  afterAll(async () => {
    await fleet.close();
  });

  const call = (path: string, key: string | undefined, method = 'GET') =>
    fetch(`${fleet.url}${path}`, {
      method,
      headers: key === undefined ? {} : { authorization: `Bearer ${key}` },
    });

  it('needs an admin key: none is 401, an API key is 403', async () => {
    expect((await call('/admin/backends', undefined)).status).toBe(401);
    const withApiKey = await call('/admin/backends', API_KEY);
    expect(withApiKey.status).toBe(403);
    expect(((await withApiKey.json()) as { error: { message: string } }).error.message).toMatch(
      /not an admin key/,
    );
    expect((await call('/admin/backends/managed-ollama/start', API_KEY, 'POST')).status).toBe(403);
  });

  it('needs an admin key however the path is spelled: the router decodes %61 to a', async () => {
    expect((await call('/%61dmin/backends', undefined)).status).toBe(401);
    expect((await call('/%61dmin/backends', API_KEY)).status).toBe(403);
    expect((await call('/%61dmin/backends/managed-ollama/stop', API_KEY, 'POST')).status).toBe(403);
    expect((await call('/%61dmin/backends', ADMIN_KEY)).status).toBe(200);
  });

  it('lists each backend with what discovery and the orchestrator know of it', async () => {
    const response = await call('/admin/backends', ADMIN_KEY);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      backends: { id: string; orchestrator: unknown; registry: unknown }[];
      orchestrator: boolean;
    };
    expect(body.orchestrator).toBe(true);
    const [backend] = body.backends;
    expect(backend?.id).toBe('managed-ollama');
    expect(backendStatusSchema.parse(backend?.orchestrator)).toMatchObject({
      mode: 'managed',
      state: 'stopped',
    });
  });

  it('starts and stops a managed backend through the orchestrator', async () => {
    const started = await call('/admin/backends/managed-ollama/start', ADMIN_KEY, 'POST');
    expect(started.status).toBe(200);
    const { backend } = (await started.json()) as { backend: unknown };
    expect(backendStatusSchema.parse(backend).state).toBe('ready');
    expect((await fetch(`http://127.0.0.1:${fleet.port}/api/version`)).status).toBe(200);

    const stopped = await call('/admin/backends/managed-ollama/stop', ADMIN_KEY, 'POST');
    expect(
      backendStatusSchema.parse(((await stopped.json()) as { backend: unknown }).backend),
    ).toMatchObject({ state: 'stopped' });
    expect(await fleet.statesOnceThere(4)).toEqual(['starting', 'ready', 'stopping', 'stopped']);
  });

  it('answers unknown backends and commands with 404, bad ids with 400', async () => {
    const unknown = await call('/admin/backends/nope/start', ADMIN_KEY, 'POST');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(
      /configured: managed-ollama/,
    );
    expect((await call('/admin/backends/managed-ollama/explode', ADMIN_KEY, 'POST')).status).toBe(
      404,
    );
    expect((await call('/admin/backends/Bad.Id/start', ADMIN_KEY, 'POST')).status).toBe(400);
  });
});
