// A worker as its own operating-system process (src/worker-main.ts under tsx), so a test can kill -9 it.
import { spawn, type ChildProcess } from 'node:child_process';
import { PROJECT_ROOT } from '../../src/config.js';

export interface WorkerProcess {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string>;
  output(): string;
  kill(signal: NodeJS.Signals): void;
}

export async function startWorkerProcess(env: Record<string, string>, readyTimeoutMs = 120_000): Promise<WorkerProcess> {
  // tsx as a loader, not its CLI: the CLI runs the code in a second process, which a SIGKILL to the
  // first would leave running, and which reports a drained SIGTERM as exit 143.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker-main.ts', '--from-source'], {
    cwd: PROJECT_ROOT,
    // Info level: readiness is read from the worker's own 'worker running' line.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker process not ready after ${readyTimeoutMs} ms:\n${output}`)), readyTimeoutMs);
    const check = () => {
      if (output.includes('"msg":"worker running"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker process exited (${code}) before it was ready:\n${output}`));
    });
  });
  return { child, exited, output: () => output, kill: (signal) => child.kill(signal) };
}
