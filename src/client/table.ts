// Plain-text tables and field lists for people; scripts use --json instead.

export type Cell = string | number | boolean | null | undefined;

const show = (value: Cell) => (value === null || value === undefined || value === '' ? '-' : String(value));

/** Columns padded to their widest cell, a header and a rule; numbers are right-aligned. */
export function renderTable(columns: readonly string[], rows: readonly Cell[][]): string {
  const text = rows.map((row) => row.map(show));
  const widths = columns.map((title, i) => Math.max(title.length, ...text.map((row) => row[i]!.length)));
  const numeric = columns.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number'));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line([...columns]), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)].join('\n');
}

/** `label  value` lines with the values aligned. */
export function renderFields(fields: readonly [string, Cell][]): string {
  const width = Math.max(...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${label.padEnd(width)}  ${show(value)}`).join('\n');
}
