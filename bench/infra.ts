// Everything the systems under test share, started fresh for one bench run: an embedded Postgres in a
// temporary folder, the Temporal dev server (in memory), the migrated database and the feed server.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import pg from 'pg';
import { loadConfig, type Config } from '../src/config.js';
import { ensureDatabase } from '../src/db/databases.js';
import { migrate } from '../src/db/migrate.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../src/postgres/embedded.js';
import { ensureTemporalCli } from '../src/temporal/cli-binary.js';
import { startDevServer } from '../src/temporal/dev-server.js';
import { startFeedServer, type FeedServer } from './fixture-feed.js';

export const BENCH_DATABASE = 'auto_scrape_bench';

export interface Infra {
  config: Config;
  databaseUrl: string;
  pgPort: number;
  pgDataDir: string;
  temporal: TestWorkflowEnvironment;
  temporalPort: number;
  cliPath: string;
  feed: FeedServer;
  pool: pg.Pool;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The environment every bench process reads: loopback feeds allowed, no per-host pacing, quiet logs. */
export function benchEnv(extra: Record<string, string>): Record<string, string> {
  return {
    SCRAPE_ALLOW_PRIVATE_ADDRESSES: 'true',
    // Every feed lives on one host; the 1 s default spacing would serialise all users behind each other.
    SCRAPE_PER_HOST_SPACING_MS: '0',
    INTERVAL_MIN_SECONDS: '1',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

export async function startInfra(log: (line: string) => void): Promise<Infra> {
  const baseConfig = loadConfig({ ...process.env, ...benchEnv({}) });
  const cliPath = await ensureTemporalCli(baseConfig, log);
  // As root the server runs as `postgres`, which must be able to traverse the parent folder.
  const root = mkdtempSync(path.join(os.tmpdir(), 'auto-scrape-bench-'));
  chmodSync(root, 0o755);
  const pgDataDir = path.join(root, 'pg');
  const pgPort = await freePort();
  let postgres: EmbeddedPostgresHandle | undefined;
  let temporal: TestWorkflowEnvironment | undefined;
  let feed: FeedServer | undefined;
  try {
    postgres = await startEmbeddedPostgres({ dataDir: pgDataDir, port: pgPort, persistent: false });
    await ensureDatabase(postgres.adminUrl, BENCH_DATABASE);
    const databaseUrl = postgres.urlFor(BENCH_DATABASE);
    await migrate(databaseUrl);
    const temporalPort = await freePort();
    temporal = await startDevServer({ cliPath, namespace: 'default', port: temporalPort });
    feed = await startFeedServer();
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
    const config = loadConfig({ ...process.env, ...benchEnv({ DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporal.address }) });
    const pgHandle = postgres;
    const env = temporal;
    const feedServer = feed;
    return {
      config,
      databaseUrl,
      pgPort,
      pgDataDir,
      temporal,
      temporalPort,
      cliPath,
      feed,
      pool,
      stop: async () => {
        await pool.end().catch(() => undefined);
        await feedServer.close().catch(() => undefined);
        await env.teardown().catch(() => undefined);
        await pgHandle.stop().catch(() => undefined);
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await feed?.close().catch(() => undefined);
    await temporal?.teardown().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}
