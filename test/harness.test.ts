import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';

it('a failing test fails the run: non-zero exit and a summary line that says so', () => {
  const vitest = path.join(PROJECT_ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  const result = spawnSync(process.execPath, [vitest, 'run', '--config', 'test/fixtures/harness/vitest.config.ts'], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, CI: 'true' },
  });
  expect(result.stdout).toContain('Summary: 0 passed, 1 failed, 0 skipped');
  expect(result.status).toBe(1);
});
