// A file kept fresh while the worker runs: a worker has no port to probe, so the container's health
// check asks "was this touched in the last minute?" to tell a live worker from a hung or stopped one.
import { closeSync, openSync, rmSync, utimesSync } from 'node:fs';

export function keepFileFresh(file: string, isAlive: () => boolean, everyMs: number): () => void {
  const touch = () => {
    if (!isAlive()) return;
    const now = new Date();
    try {
      utimesSync(file, now, now);
    } catch {
      closeSync(openSync(file, 'w'));
    }
  };
  touch();
  const timer = setInterval(touch, everyMs);
  // Never the reason the process stays up.
  timer.unref();
  return () => {
    clearInterval(timer);
    rmSync(file, { force: true });
  };
}
