// The entry point as a person meets it: a subprocess, its exit code and the one line it prints.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';
import { useTestDatabase } from './support/database.js';

const db = useTestDatabase();
const tsx = path.join(PROJECT_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function start(env: Record<string, string>) {
  const result = spawnSync(process.execPath, [tsx, 'src/main.ts'], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_CLI_PATH: inject('temporalCliPath'),
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'start-')),
      API_PORT: '0',
      LOG_LEVEL: 'error',
      ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, stderr: result.stderr.trim() };
}

describe('start-up failures end with one clear sentence and a non-zero exit', () => {
  it('a DATABASE_URL where nothing listens', () => {
    const { code, stderr } = start({ DATABASE_URL: 'postgresql://app:secret@127.0.0.1:1/scheduler' });
    expect(code).toBe(1);
    expect(stderr).toBe('error: Nothing is listening at 127.0.0.1:1/scheduler. Start Postgres there, or unset DATABASE_URL to use the embedded Postgres.');
  });

  it('a DATABASE_URL that is not a Postgres URL', () => {
    const { code, stderr } = start({ DATABASE_URL: 'mysql://localhost/x' });
    expect(code).toBe(1);
    expect(stderr).toBe('error: Invalid configuration: DATABASE_URL: must be a postgres:// or postgresql:// URL. Fix the environment variable(s) and try again.');
  });

  it('a DATABASE_URL with a wrong password', () => {
    const url = new URL(db.url);
    url.password = 'wrong-password';
    const { code, stderr } = start({ DATABASE_URL: url.toString() });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: Postgres at 127\.0\.0\.1:\d+\/t_\w+ rejected the user name or password\. Fix the credentials in DATABASE_URL\.$/);
    expect(stderr).not.toContain('wrong-password');
  });

  it('an unreachable TEMPORAL_ADDRESS', () => {
    const { code, stderr } = start({ DATABASE_URL: db.url, TEMPORAL_ADDRESS: '127.0.0.1:1' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: Cannot reach the Temporal server at 127\.0\.0\.1:1 \(.+\)\. Start it there, or unset TEMPORAL_ADDRESS so `npm start` runs a local dev server\.$/);
    expect(stderr.split('\n')).toHaveLength(1);
  });

  it('no Temporal CLI and no Go toolchain to build it', () => {
    const { code, stderr } = start({
      TEMPORAL_CLI_PATH: '',
      TEMPORAL_CLI_CACHE_DIR: mkdtempSync(path.join(os.tmpdir(), 'no-cli-')),
      PATH: path.dirname(process.execPath) === '/usr/local/go/bin' ? '/nonexistent' : path.dirname(process.execPath),
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: The Temporal CLI v1\.5\.1 is not installed and cannot be built here because the Go toolchain \(`go`\) was not found\. Install it with Homebrew/);
    expect(stderr.split('\n')).toHaveLength(1);
  });

  it('a TEMPORAL_CLI_PATH that is not an executable', () => {
    const { code, stderr } = start({ TEMPORAL_CLI_PATH: '/nonexistent/temporal' });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^error: TEMPORAL_CLI_PATH is set to \/nonexistent\/temporal, which is not an executable file\./);
  });
});
