// The deployment sets what the code reads, and only that: docker-compose.yml's app services against the
// one configuration schema (src/config.ts), after Compose's interpolation.
import { describe, expect, it } from 'vitest';
import { configSchema, loadConfig } from '../src/config.js';
import { loadCompose, serviceEnvironment } from './support/compose.js';

/** Settings that mean nothing in a deployment, and why. */
const NOT_FOR_DEPLOYMENTS: Record<string, string> = {
  TEMPORAL_CLI_PATH: 'only `npm start` and the tests run a Temporal dev server',
  CI: 'read by the test harness only',
};

const APP_SERVICES = ['worker', 'api', 'migrate'] as const;
const LONG_RUNNING = ['worker', 'api'] as const;

const shape = configSchema.shape as Record<string, { safeParse(value: unknown): { success: boolean; data?: unknown } }>;
const configKeys = Object.keys(shape);
/** Keys whose absence leaves the setting undefined: nothing in the code fills them in. */
const withoutDefault = configKeys.filter((key) => {
  const parsed = shape[key]!.safeParse(undefined);
  return !parsed.success || parsed.data === undefined;
});

describe('docker-compose.yml and src/config.ts agree', () => {
  it('the schema has settings with and without defaults to check (the check is not vacuous)', () => {
    expect(withoutDefault).toEqual(expect.arrayContaining(['DATABASE_URL', 'TEMPORAL_ADDRESS']));
    expect(configKeys.length).toBeGreaterThan(withoutDefault.length);
    for (const key of Object.keys(NOT_FOR_DEPLOYMENTS)) expect(configKeys).toContain(key);
  });

  it.each(LONG_RUNNING)('%s: every setting without a default is passed through', (name) => {
    const env = serviceEnvironment(loadCompose().services[name]!);
    const missing = withoutDefault.filter((key) => !(key in NOT_FOR_DEPLOYMENTS) && !(key in env));
    expect(missing, `add these to x-app's environment in docker-compose.yml`).toEqual([]);
  });

  it.each(APP_SERVICES)('%s: sets only variables the configuration knows', (name) => {
    const env = serviceEnvironment(loadCompose().services[name]!);
    expect(Object.keys(env).filter((key) => !configKeys.includes(key))).toEqual([]);
    expect(Object.keys(env).filter((key) => key in NOT_FOR_DEPLOYMENTS)).toEqual([]);
  });

  it.each(APP_SERVICES)('%s: its environment passes validation with the defaults, and names Postgres and Temporal', (name) => {
    const config = loadConfig(serviceEnvironment(loadCompose().services[name]!));
    expect(config.DATABASE_URL).toBe('postgresql://auto_scrape:auto_scrape@postgres:5432/auto_scrape');
    expect(config.TEMPORAL_ADDRESS).toBe('temporal:7233');
  });

  it('the API listens on every interface of its container, the dev default being loopback', () => {
    const config = loadConfig(serviceEnvironment(loadCompose().services.api!));
    expect(config.API_HOST).toBe('0.0.0.0');
    expect(config.API_PORT).toBe(3000);
  });

  it('points at another cluster (Temporal Cloud, a self-hosted one) and another database by environment alone', () => {
    const host = {
      TEMPORAL_ADDRESS: 'scrapers.a1b2c.tmprl.cloud:7233',
      TEMPORAL_NAMESPACE: 'scrapers.a1b2c',
      TEMPORAL_TASK_QUEUE: 'auto-scrape-eu',
      APP_DB_USER: 'scheduler',
      APP_DB_PASSWORD: 's3cret',
      APP_DB_NAME: 'threats',
      SCRAPE_PROXY_URL: 'http://proxy.internal:3128',
      OPERATOR_TOKEN_HASH: 'a'.repeat(64),
    };
    for (const name of LONG_RUNNING) {
      const config = loadConfig(serviceEnvironment(loadCompose(host).services[name]!));
      expect(config).toMatchObject({
        TEMPORAL_ADDRESS: host.TEMPORAL_ADDRESS,
        TEMPORAL_NAMESPACE: host.TEMPORAL_NAMESPACE,
        TEMPORAL_TASK_QUEUE: host.TEMPORAL_TASK_QUEUE,
        DATABASE_URL: 'postgresql://scheduler:s3cret@postgres:5432/threats',
        SCRAPE_PROXY_URL: host.SCRAPE_PROXY_URL,
        OPERATOR_TOKEN_HASH: host.OPERATOR_TOKEN_HASH,
      });
    }
  });

  it('an unset optional setting reaches the app as empty, which the configuration treats as unset', () => {
    const config = loadConfig(serviceEnvironment(loadCompose().services.worker!));
    expect(config.SCRAPE_PROXY_URL).toBeUndefined();
    expect(config.SCRAPE_USER_AGENT).toBeUndefined();
  });
});
