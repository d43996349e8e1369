// Child processes of the bench (workers, the legacy scheduler) and what /proc says about any process.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config.js';

export interface Child {
  pid: number;
  /** SIGKILL: no drain, no cleanup, exactly like a crashed or redeployed process. */
  kill(): Promise<void>;
  /** SIGTERM and wait, for the end of the bench. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 120_000;
const MAX_ECHOED_LINES = 5;

/**
 * Runs a bench/*.ts entry under tsx and resolves once it prints READY. Its stderr goes to `logFile`;
 * only the first line of each warning or error is echoed, so a burst of retried activities stays readable.
 */
export async function spawnEntry(entry: string, env: Record<string, string>, log: (line: string) => void, logFile: string): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', entry)], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let echoed = 0;
  child.stderr?.on('data', (chunk: Buffer) => {
    appendFileSync(logFile, chunk);
    for (const line of chunk.toString().split('\n')) {
      if (!/\[(WARN|ERROR)\]|failed|Error:/.test(line) || echoed >= MAX_ECHOED_LINES) continue;
      echoed++;
      log(`  [${entry} ${child.pid}] ${line.slice(0, 200)}${echoed === MAX_ECHOED_LINES ? ` (further lines only in ${logFile})` : ''}`);
    }
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not become ready within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code} before it was ready (its stderr is above)`));
    });
  });
  const pid = child.pid!;
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return { pid, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
}

const CLOCK_TICKS = 100;

export interface ProcSample {
  at: number;
  cpuSeconds: number;
  rssBytes: number;
}

/** CPU (user+system) and RSS of one process, or undefined when it is gone. */
export function sampleProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { at: Date.now(), cpuSeconds: ticks / CLOCK_TICKS, rssBytes: rssKb * 1024 };
  } catch {
    return undefined;
  }
}

/** Average CPU use between two samples, as a share of one core (1.0 = one core busy). */
export function cpuShare(from: ProcSample | undefined, to: ProcSample | undefined): number | null {
  if (!from || !to || to.at <= from.at) return null;
  return (to.cpuSeconds - from.cpuSeconds) / ((to.at - from.at) / 1000);
}

export function pgrep(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number)
      .filter((pid) => pid !== process.pid);
  } catch {
    return [];
  }
}

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Summed RSS of a process and its children (Postgres backends); shared buffers are counted in each. */
export function treeRss(pid: number): number {
  return [pid, ...childrenOf(pid)].reduce((sum, p) => sum + (sampleProc(p)?.rssBytes ?? 0), 0);
}
