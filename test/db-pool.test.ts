// The pool behind Prisma must survive the server cutting a connection that is checked out: that is
// what a Postgres restart does to a worker in the middle of a transaction.
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { createPool, createPrisma } from '../src/db/prisma.js';
import { useTestDatabase } from './support/database.js';
import { waitFor } from './support/jobs.js';

const db = useTestDatabase();

async function terminateBackend(pid: number) {
  const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

describe('connection pool', () => {
  it('a checked-out connection cut by the server fails its next statement, not the process, and the pool recovers', async () => {
    const pool = createPool(db.url, 1);
    try {
      const client = await pool.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      // The server's error reaches this idle, checked-out client; without the pool's listener it is an
      // uncaught exception and vitest fails the run.
      await terminateBackend(rows[0]!.pid);
      await waitFor('the connection to be cut', async () => {
        try {
          await client.query('SELECT 1');
          return false;
        } catch {
          return true;
        }
      });
      client.release();
      // The broken client was discarded: the next one works.
      const { rows: again } = await pool.query<{ one: number }>('SELECT 1 AS one');
      expect(again).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('Prisma on that pool keeps working after its connections are terminated', async () => {
    const prisma = createPrisma(db.url, 2);
    try {
      await prisma.$queryRaw`SELECT 1`;
      const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
      await admin.connect();
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [db.name]);
      await admin.end();
      const result = await waitFor('a working connection', async () => prisma.$queryRaw<{ one: number }[]>`SELECT 1 AS one`);
      expect(result).toEqual([{ one: 1 }]);
    } finally {
      await prisma.$disconnect();
    }
  });
});
