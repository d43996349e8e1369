// `npm run migrate`, and the deployment's one-shot migrate service (`node dist/db/migrate-cli.js`):
// applies pending migrations to DATABASE_URL and exits.
import { loadConfig, type Config } from '../config.js';
import { createLogger } from '../logger.js';
import { describeStartupError } from '../startup-errors.js';
import { migrate } from './migrate.js';

async function run(): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
  if (!config.DATABASE_URL) {
    process.stderr.write('error: DATABASE_URL must be set: migrations are applied to the database it names.\n');
    return 1;
  }
  try {
    const result = await migrate(config.DATABASE_URL);
    createLogger(config.LOG_LEVEL).info({ applied: result.applied, alreadyApplied: result.alreadyApplied.length }, 'database migrated');
    return 0;
  } catch (error) {
    process.stderr.write(`error: ${describeStartupError(error, config)}\n`);
    return 1;
  }
}

run().then((code) => process.exit(code));
