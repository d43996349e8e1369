// A worker in its own process, so the bench can read its RSS and CPU from /proc and "stop the worker"
// means what it means in production: the process is killed. Runs our job or alternative (b), from a
// prebuilt workflow bundle (bundling at every restart would cost seconds of CPU inside the measurement).
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { loadConfig } from '../src/config.js';
import { createPrisma } from '../src/db/prisma.js';
import { createWorker } from '../src/worker.js';

async function main(): Promise<void> {
  const bundlePath = process.env.BENCH_BUNDLE;
  if (!bundlePath) throw new Error('BENCH_BUNDLE must name the prebuilt workflow bundle.');
  const config = loadConfig();
  if (!config.DATABASE_URL || !config.TEMPORAL_ADDRESS) throw new Error('DATABASE_URL and TEMPORAL_ADDRESS must be set by the bench.');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const prisma = createPrisma(config.DATABASE_URL);
  const native = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const worker = await createWorker({
    connection: native,
    client,
    config,
    prisma,
    overrides: { workflowsPath: undefined, workflowBundle: { codePath: bundlePath } },
  });
  process.once('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  process.stdout.write('READY\n');
  try {
    await running;
  } finally {
    await prisma.$disconnect();
    await connection.close();
    await native.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench worker failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
