import { parseFleetArgs, QUERY_TIMEOUT_MS } from '../fleet/fleet-options.js';
import { listWorkers, servedModels } from '../fleet/fleet-workers.js';
import { withSession } from '../fleet/nats-session.js';
import { missingService } from '../fleet/missing-service.js';
import { EXIT } from '../cli/cli-errors.js';
import { modelsTable } from '../output/fleet-tables.js';
import { writeJson, writeLine } from '../output/write.js';

/**
 * `switchyard models`: what the fleet serves now, asked of the workers themselves (`$SRV.INFO`),
 * with the kinds of backend behind each model. No worker at all is exit 69.
 */
export async function models(args: readonly string[]): Promise<number> {
  const { options } = parseFleetArgs({ name: 'models' }, args);
  return withSession(options.configFile, async (session) => {
    const workers = await listWorkers(
      session.nc,
      session.subjects,
      options.timeoutMs ?? QUERY_TIMEOUT_MS,
    );
    if (workers.length === 0) throw missingService('worker', '$SRV.INFO', session.server);
    const served = servedModels(workers);
    if (options.json) writeJson({ models: served });
    else writeLine(served.length === 0 ? 'no models served now' : modelsTable(served));
    return EXIT.ok;
  });
}
