// One Prisma client per process, talking to Postgres through the `pg` driver adapter (no engine binary).
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export type Prisma = PrismaClient;

/**
 * The connection pool behind Prisma. When the server goes away (restart, failover, a terminated
 * backend) it sends an error to every open connection, and `pg` emits it on the client. pg-pool listens
 * only on idle clients, so one checked out between statements had no listener and the error crashed the
 * worker (seen in the Postgres-restart chaos test). Every client gets a listener for its whole life; the
 * statement in flight still fails, and the pool discards the broken client when it is released.
 */
export function createPool(databaseUrl: string, poolSize: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

export function createPrisma(databaseUrl: string, poolSize = 10): PrismaClient {
  const adapter = new PrismaPg(createPool(databaseUrl, poolSize), { disposeExternalPool: true });
  return new PrismaClient({ adapter });
}
