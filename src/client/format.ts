// How times and delivery outcomes read in the human output.
import type { Delivery } from '../jobs/service.js';

/** ISO time to the second, with how far away it is, e.g. `2026-03-01 10:00:00Z (in 4m)`. */
export function formatTime(value: Date | number | null | undefined, now = Date.now()): string | undefined {
  if (value === null || value === undefined) return undefined;
  const at = typeof value === 'number' ? value : value.getTime();
  const iso = new Date(at).toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
  return `${iso} (${relative(at - now)})`;
}

function relative(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  const span =
    seconds < 60 ? `${seconds}s` : seconds < 3600 ? `${Math.round(seconds / 60)}m` : seconds < 86_400 ? `${Math.round(seconds / 3600)}h` : `${Math.round(seconds / 86_400)}d`;
  return ms >= 0 ? `in ${span}` : `${span} ago`;
}

const DELIVERY_TEXT: Record<Delivery, string> = {
  signalled: 'the running job took the change at once',
  started: 'the job was not running, so it was started',
  not_running: 'no job is running for this user; the database has the change',
  temporal_unavailable: 'Temporal is not reachable: the database has the change and the health check delivers it when Temporal is back',
};

export const describeDelivery = (delivery: Delivery) => DELIVERY_TEXT[delivery];
