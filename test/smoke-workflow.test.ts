import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from './support/database.js';
import { settingsOf } from './support/jobs.js';
import { uniqueName, useTestTemporal } from './support/temporal.js';
import { createSmokeActivities } from './fixtures/smoke-activities.js';
import { smokeWorkflow } from './fixtures/smoke-workflow.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const db = useTestDatabase();
const temporal = useTestTemporal();

describe('the ground holds', () => {
  it('a workflow on the real dev server runs an activity that writes a row through Prisma', async () => {
    const taskQueue = uniqueName('smoke');
    const userId = uniqueName('user');
    const worker = await Worker.create({
      connection: temporal.env.nativeConnection,
      taskQueue,
      workflowsPath: path.join(here, 'fixtures', 'smoke-workflow.ts'),
      activities: createSmokeActivities(db.prisma),
    });
    const id = await worker.runUntil(
      temporal.env.client.workflow.execute(smokeWorkflow, { taskQueue, workflowId: uniqueName('smoke'), args: [userId] }),
    );
    const row = await settingsOf(db.prisma, userId);
    expect(row.id).toBe(id);
    expect(row.keywords).toEqual(['smoke']);
  });
});
