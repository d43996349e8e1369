// Starts the real Temporal dev server (from the Temporal CLI) for tests and for `npm start`.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/keys.js';

export interface DevServerOptions {
  cliPath: string;
  namespace: string;
  /** SQLite file that keeps the server's state across restarts; in memory when absent. */
  dbFilename?: string;
  /** A free port is chosen when absent. */
  port?: number;
  /** Web UI port; no UI when absent. */
  uiPort?: number;
}

export async function startDevServer(options: DevServerOptions): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: options.cliPath },
      namespace: options.namespace,
      ip: '127.0.0.1',
      dbFilename: options.dbFilename,
      port: options.port,
      ui: options.uiPort !== undefined,
      uiPort: options.uiPort,
      searchAttributes: SEARCH_ATTRIBUTE_KEYS,
      log: { format: 'pretty', level: 'warn' },
    },
  });
}
