// The deployment's Temporal setup step (deploy/temporal/setup-namespace.sh, the temporal-setup service)
// run for real: the Temporal CLI against a real server, with the environment docker-compose.yml gives it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { temporal as proto } from '@temporalio/proto';
import { describe, expect, inject, it } from 'vitest';
import { startAutoScrape } from '../src/client/jobs.js';
import { PROJECT_ROOT } from '../src/config.js';
import { JOB_STATUS_SEARCH_ATTRIBUTE, SEARCH_ATTRIBUTE_KEYS, USER_ID_SEARCH_ATTRIBUTE } from '../src/workflows/keys.js';
import { loadCompose, serviceEnvironment } from './support/compose.js';
import { testConfig } from './support/jobs.js';
import { uniqueName, useTestTemporal } from './support/temporal.js';

const temporal = useTestTemporal();

function runSetup(namespace: string) {
  const env = serviceEnvironment(loadCompose({ TEMPORAL_NAMESPACE: namespace }).services['temporal-setup']!);
  return spawnSync('sh', [path.join(PROJECT_ROOT, 'deploy', 'temporal', 'setup-namespace.sh')], {
    encoding: 'utf8',
    timeout: 90_000,
    env: {
      ...env,
      // The compose network's name for the server is `temporal`; here it is the test's dev server.
      TEMPORAL_ADDRESS: temporal.env.address,
      // The admin-tools image has the CLI on its PATH; here it is the cached dev-server build.
      PATH: `${path.dirname(inject('temporalCliPath'))}${path.delimiter}${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? '',
    },
  });
}

describe('the temporal-setup step', () => {
  it('creates the namespace and every search attribute the jobs upsert, with its type; a second run changes nothing', async () => {
    const namespace = uniqueName('deploy');
    const first = runSetup(namespace);
    expect(first.status, `${first.stdout}\n${first.stderr}`).toBe(0);

    const { customAttributes } = await temporal.env.connection.operatorService.listSearchAttributes({ namespace });
    for (const key of SEARCH_ATTRIBUTE_KEYS) {
      const type = proto.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}` as keyof typeof proto.api.enums.v1.IndexedValueType];
      expect(customAttributes?.[key.name], key.name).toBe(type);
    }

    const second = runSetup(namespace);
    expect(second.status, `${second.stdout}\n${second.stderr}`).toBe(0);
    expect(second.stdout).toContain(`namespace ${namespace} exists`);
    for (const key of SEARCH_ATTRIBUTE_KEYS) expect(second.stdout).toContain(`search attribute ${key.name} exists`);

    // A job can start there: the server accepts the search attributes it is started with.
    const config = testConfig({ TEMPORAL_NAMESPACE: namespace });
    const client = new Client({ connection: temporal.env.connection, namespace });
    const userId = uniqueName('setup');
    const handle = await startAutoScrape(client, config, { userId, settings: { intervalSeconds: 60, enabled: true } });
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(USER_ID_SEARCH_ATTRIBUTE)).toBe(userId);
    expect(described.typedSearchAttributes.get(JOB_STATUS_SEARCH_ATTRIBUTE)).toBe('scheduled');
    await handle.terminate('test over');
  });
});
