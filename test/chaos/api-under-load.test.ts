// The status API under load from a second process while health-check passes run over 300 users.
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { addUser } from '../../src/jobs/service.js';
import { healthCheckWorkflow } from '../../src/workflows/health-check.js';
import { OPERATOR_TOKEN, apiConfig } from '../support/api.js';
import { useTestDatabase } from '../support/database.js';
import { uniqueName, useTestTemporal } from '../support/temporal.js';
import { withWorker } from '../support/worker.js';

const db = useTestDatabase();
const temporal = useTestTemporal();

interface LoadResult {
  requests: number;
  errors: number;
  firstErrors: string[];
  p50: number;
  p99: number;
  max: number;
}

function runLoad(base: string, requests: [string, string][], total: number, concurrency: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(import.meta.dirname, 'support', 'api-load.mjs'), base, String(total), String(concurrency)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load process exited ${code}: ${out}`))));
    child.stdin.end(JSON.stringify(requests));
  });
}

describe('the status API under load', () => {
  it('answers every request while the health check runs', async () => {
    const config = apiConfig({ INTERVAL_MIN_SECONDS: '60', DEFAULT_INTERVAL_SECONDS: '3600' });
    const users: [string, string][] = [];
    for (let i = 0; i < 300; i++) {
      const userId = `${uniqueName('load')}-${i}`;
      // Disabled: the health check visits every row, but no job scrapes anything during the test.
      const { apiToken } = await addUser({ prisma: db.prisma, config }, { userId, enabled: false });
      users.push([userId, apiToken]);
    }
    const app = buildApp({ prisma: db.prisma, config, client: temporal.env.client });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      const requests: [string, string][] = users.slice(0, 50).map(([userId, token]) => [`/jobs/${userId}`, token]);
      requests.push(['/overview', OPERATOR_TOKEN], ['/jobs?limit=100', OPERATOR_TOKEN]);
      const result = await withWorker(temporal, db, config, async () => {
        const checks = (async () => {
          for (let i = 0; i < 3; i++) {
            await temporal.env.client.workflow.execute(healthCheckWorkflow, { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: uniqueName('hc'), args: [{ pageSize: 50 }] });
          }
        })();
        const load = await runLoad(base, requests, 3000, 8);
        await checks;
        return load;
      });
      console.log(`chaos(api load): ${result.requests} requests, ${result.errors} errors, p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, max ${result.max.toFixed(1)} ms`);
      expect(result.firstErrors).toEqual([]);
      expect(result.requests).toBe(3000);
      expect(await db.prisma.healthCheckReport.count({ where: { finishedAt: { not: null }, checked: 300 } })).toBe(3);
    } finally {
      await app.close();
    }
  });
});
