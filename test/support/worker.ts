// Runs a real worker for the duration of `fn`, on the test's dev server and database.
import { createWorker } from '../../src/worker.js';
import type { Config } from '../../src/config.js';
import type { TestDatabase } from './database.js';
import type { TestTemporal } from './temporal.js';

export async function withWorker<T>(temporal: TestTemporal, db: TestDatabase, config: Config, fn: () => Promise<T>): Promise<T> {
  const worker = await createWorker({ connection: temporal.env.nativeConnection, client: temporal.env.client, config, prisma: db.prisma });
  let result!: T;
  await worker.runUntil(async () => {
    result = await fn();
  });
  return result;
}
