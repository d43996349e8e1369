// Quiet SDK logs in tests: errors only (expected failures log warnings by the dozen). Installed once per process, before any worker.
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // Already installed in this process.
}
