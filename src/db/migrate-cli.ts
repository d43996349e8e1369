// `npm run migrate`, and the deployment's one-shot migrate service (`node dist/db/migrate-cli.js`):
// applies pending migrations to DATABASE_URL and exits.
import { exitWith, requireSettings, runEntry } from '../process-lifecycle.js';
import { migrate } from './migrate.js';

exitWith(
  runEntry(async ({ config: loaded, log }) => {
    const config = requireSettings(loaded, ['DATABASE_URL'], 'migrations are applied to the database it names');
    const result = await migrate(config.DATABASE_URL);
    log.info({ applied: result.applied, alreadyApplied: result.alreadyApplied.length }, 'database migrated');
    // Nothing keeps running: the entry ends as soon as the migrations are in.
    return async () => undefined;
  }),
);
