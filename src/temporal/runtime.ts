// The Temporal SDK runtime of a worker process: its log level and its Prometheus endpoint. Installed once,
// before any worker or connection exists.
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Config } from '../config.js';

export function installRuntime(config: Pick<Config, 'LOG_LEVEL' | 'WORKER_METRICS_ADDRESS'>): void {
  Runtime.install({
    logger: new DefaultLogger(config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? 'DEBUG' : 'WARN'),
    telemetryOptions: {
      metrics: {
        prometheus: {
          bindAddress: config.WORKER_METRICS_ADDRESS,
          // Lag and durations are in milliseconds; the default buckets are for seconds.
          histogramBucketOverrides: {
            auto_scrape_scheduling_lag: [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000],
            auto_scrape_duration: [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000, 300_000],
          },
        },
      },
    },
  });
}
