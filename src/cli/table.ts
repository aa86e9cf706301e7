/**
 * Plain-text tables and CSV for the terminal and for machines. Cells hold resource data (names,
 * tags, messages, AWS errors): a table cell is made one line with every control, bidi and
 * separator character shown (`forTerminal`), then cut; a CSV cell keeps its line breaks and tabs
 * (quoted), shows the rest, and has spreadsheet formulas defused.
 */
import { forTerminal, visible } from '../text/sanitize.ts';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number;
  /** Longest a cell may be before it is cut with an ellipsis. */
  max?: number;
  align?: 'left' | 'right';
}

export function renderTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => forTerminal(String(c.value(row)), c.max)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (columns[i]?.align === 'right' ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n');
}

function csvCell(value: string | number | undefined): string {
  const text = value === undefined ? '' : visible(String(value), { lineBreaks: true });
  // A leading = + - @ (or tab, carriage return) would run as a formula in a spreadsheet.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderCsv<T>(
  rows: readonly T[],
  columns: readonly Pick<Column<T>, 'header' | 'value'>[],
): string {
  const lines = [columns.map((c) => csvCell(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row))).join(','));
  return `${lines.join('\n')}\n`;
}
