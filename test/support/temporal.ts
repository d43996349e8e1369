// A real Temporal dev server per test file (the STYLE: environment once per file, a worker per test).
import './runtime.js';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startDevServer } from '../../src/temporal/dev-server.js';

export interface TestTemporal {
  env: TestWorkflowEnvironment;
}

export function useTestTemporal(): TestTemporal {
  const holder = {} as TestTemporal;
  beforeAll(async () => {
    holder.env = await startDevServer({ cliPath: inject('temporalCliPath'), namespace: 'default' });
  });
  afterAll(async () => {
    await holder.env?.teardown();
  });
  return holder;
}

/** Unique per call, so tests never share a workflow id or task queue. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}
