// The printed table and the JSON file: the same figures, for people and for the next comparison.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ratio } from './stats.js';

export interface Row {
  label: string;
  ours: number | null;
  schedules: number | null;
  legacy: number | null;
  unit: string;
}

const fmt = (value: number | null, unit: string) => {
  if (value === null || !Number.isFinite(value)) return 'n/a';
  if (unit === 'ms') return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
  if (unit === 'MB') return `${value.toFixed(0)} MB`;
  if (unit === 'cores') return value.toFixed(2);
  return Number.isInteger(value) || Math.abs(value) >= 1000 ? String(Math.round(value)) : value.toFixed(1);
};
const fmtRatio = (value: number | null) => (value === null ? '–' : `×${value.toFixed(2)}`);

export function renderTable(rows: Row[]): string {
  const header = ['', 'ours (workflow/user)', '(b) schedule/user', '(a) legacy timers', '(b)/ours', '(a)/ours'];
  const body = rows.map((r) => [r.label, fmt(r.ours, r.unit), fmt(r.schedules, r.unit), fmt(r.legacy, r.unit), fmtRatio(ratio(r.schedules, r.ours)), fmtRatio(ratio(r.legacy, r.ours))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function renderRows(title: string, header: string[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (c: string[]) => c.map((v, i) => v.padStart(widths[i]!)).join('  ');
  return [title, line(header), ...cells.map(line)].join('\n');
}

export function writeJson(file: string, data: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
}
