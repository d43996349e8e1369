// Quiet SDK logs in tests: warnings and errors only. Installed once per process, before any worker.
import { DefaultLogger, Runtime } from '@temporalio/worker';

try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  // Already installed in this process.
}
