// `npm run build` and what the image runs from its output: the compiled migrate step, the production
// worker loading the prebuilt workflow bundle (a real job, on the real dev server and Postgres), and the
// production API; each stops cleanly on SIGTERM.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAutoScrape } from '../src/client/jobs.js';
import { PROJECT_ROOT } from '../src/config.js';
import { useTestDatabase } from './support/database.js';
import { useFixtureServer } from './support/fixture-server.js';
import { createUser, runsOf, testConfig, waitFor } from './support/jobs.js';
import { freePort } from './support/ports.js';
import { uniqueName, useTestTemporal } from './support/temporal.js';

const db = useTestDatabase();
const temporal = useTestTemporal();
const sources = useFixtureServer();

const dist = (file: string) => path.join(PROJECT_ROOT, 'dist', file);
const scratch = mkdtempSync(path.join(os.tmpdir(), 'auto-scrape-deploy-'));
const children: ChildProcess[] = [];

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** A compiled entry point as the container runs it: `node dist/...`, only the given environment. */
function startNode(file: string, args: string[], env: Record<string, string>): { child: ChildProcess; exited: Promise<Exit> } {
  const child = spawn(process.execPath, [dist(file), ...args], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exit>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr: stderr.trim() })));
  return { child, exited };
}

async function stopWithSigterm(child: ChildProcess, exited: Promise<Exit>): Promise<Exit> {
  child.kill('SIGTERM');
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('did not exit within 15 s of SIGTERM')), 15_000));
  return Promise.race([exited, timeout]);
}

beforeAll(() => {
  const build = spawnSync('npm', ['run', 'build'], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 90_000 });
  if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status ?? build.signal}):\n${build.stdout}\n${build.stderr}`);
}, 120_000);

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(scratch, { recursive: true, force: true });
});

describe('npm run build', () => {
  it('compiles every entry point, the generated Prisma client and the prebuilt workflow bundle into dist/', async () => {
    for (const file of ['worker-main.js', 'api-main.js', 'db/migrate-cli.js', 'main.js', 'generated/prisma/client.js', 'workflow-bundle.js']) {
      expect(existsSync(dist(file)), file).toBe(true);
    }
    expect(readFileSync(dist('workflow-bundle.js'), 'utf8')).toContain('autoScrapeWorkflow');
    // The SDK accepts the bundle as it is (it is parsed and loaded into the workflow sandbox here).
    const worker = await Worker.create({
      connection: temporal.env.nativeConnection,
      taskQueue: uniqueName('bundle-check'),
      workflowBundle: { codePath: dist('workflow-bundle.js') },
    });
    await worker.runUntil(Promise.resolve());
  });
});

describe('the built entry points', () => {
  it('the migrate step applies migrations to DATABASE_URL, and without it says so in one line', async () => {
    const migrated = await startNode('db/migrate-cli.js', [], { DATABASE_URL: db.url, LOG_LEVEL: 'warn' }).exited;
    expect(migrated).toMatchObject({ code: 0, stderr: '' });
    const refused = await startNode('db/migrate-cli.js', [], {}).exited;
    expect(refused).toMatchObject({ code: 1, stderr: 'error: DATABASE_URL must be set: migrations are applied to the database it names.' });
  });

  it('the production worker needs TEMPORAL_ADDRESS and DATABASE_URL, and says so in one line', async () => {
    const refused = await startNode('worker-main.js', [], { DATABASE_URL: db.url }).exited;
    expect(refused).toMatchObject({
      code: 1,
      stderr: 'error: TEMPORAL_ADDRESS must be set: the production worker connects to an existing Postgres and Temporal server.',
    });
  });

  it('the production worker runs a real job from the prebuilt bundle, keeps its alive file fresh, and drains on SIGTERM', async () => {
    const config = testConfig();
    const userId = uniqueName('prod-worker');
    await createUser(db.prisma, userId, [sources.url(`/${userId}`)], 60);
    const aliveFile = path.join(scratch, 'worker-alive');
    const { child, exited } = startNode('worker-main.js', ['--migrate', '--alive-file', aliveFile], {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: temporal.env.address,
      TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
      WORKER_METRICS_ADDRESS: `127.0.0.1:${await freePort()}`,
      WORKER_SHUTDOWN_GRACE_MS: '2000',
      // The fixture source lives on 127.0.0.1, which production refuses.
      SCRAPE_ALLOW_PRIVATE_ADDRESSES: 'true',
      SCRAPE_PER_HOST_SPACING_MS: '0',
      LOG_LEVEL: 'warn',
    });
    await waitFor('the worker to poll (its alive file)', () => existsSync(aliveFile) || (child.exitCode !== null ? Promise.reject(new Error('worker exited')) : false), 30_000);

    // Nothing in this process polls the task queue: only the spawned worker can run this job.
    await startAutoScrape(temporal.env.client, config, { userId, settings: { intervalSeconds: 60, enabled: true } });
    const run = await waitFor('the first run to succeed', async () => (await runsOf(db.prisma, userId)).find((r) => r.outcome === 'success'), 30_000);
    expect(run.itemsSeen).toBeGreaterThan(0);
    expect(sources.hits(`/${userId}`).length).toBeGreaterThanOrEqual(1);

    const exit = await stopWithSigterm(child, exited);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.stderr).not.toMatch(/^error:/m);
    expect(existsSync(aliveFile)).toBe(false);
  });

  it('the production API answers /healthz on API_HOST:API_PORT and stops on SIGTERM', async () => {
    const port = await freePort();
    const { child, exited } = startNode('api-main.js', [], {
      DATABASE_URL: db.url,
      TEMPORAL_ADDRESS: temporal.env.address,
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      LOG_LEVEL: 'warn',
    });
    const health = await waitFor('the API to listen', async () => {
      if (child.exitCode !== null) throw new Error(`api exited: ${(await exited).stderr}`);
      const response = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      return response?.ok && response;
    });
    expect(health.status).toBe(200);
    const exit = await stopWithSigterm(child, exited);
    expect(exit).toMatchObject({ code: 0, signal: null });
    expect(exit.stderr).not.toMatch(/^error:/m);
  });
});
