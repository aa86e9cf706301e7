/**
 * Plain-text tables and CSV for the terminal and for machines. Cells hold resource data (names,
 * tags, messages, AWS errors): a table cell is made one line with every control, bidi and
 * separator character shown (`forTerminal`), then cut; a CSV cell keeps its line breaks and tabs
 * (quoted), shows the rest, and has spreadsheet formulas defused.
 *
 * A table given a width fits it, as a reader at a narrow terminal expects: free text (messages,
 * titles, names, details) gives way first, cut with `…`; identifiers are never cut, except ARNs,
 * cut in the middle so that the resource id at their end stays whole. What still does not fit is
 * printed whole (a terminal wraps it) rather than lose an identifier.
 */
import {
  cutArnToWidth,
  cutToWidth,
  displayWidth,
  forTerminal,
  narrowestArnWidth,
  visible,
} from '../text/sanitize.ts';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number;
  /** Longest a cell may be before it is cut with an ellipsis, whatever the width. */
  max?: number;
  align?: 'left' | 'right';
  /**
   * How the column gives way when the table is wider than its `width`:
   * - `text`: free text (messages, titles, names, details), shrunk first, down to `min`;
   * - `id`: identifiers (resource ids, ARNs): never cut, except an ARN, cut in the middle keeping
   *   its resource id whole;
   * - unset: kept whole (account ids, regions, severities, statuses, counts).
   */
  kind?: 'text' | 'id';
  /**
   * The narrowest a `text` column gets before `optional` columns are left out (default 12, or its
   * header when longer); after that, it narrows to its header.
   */
  min?: number;
  /** Left out (the last first) when the table cannot fit otherwise, rather than cut text further. */
  optional?: boolean;
  /** ANSI SGR parameters for a cell on a colour terminal (`'1;31'` bold red). */
  color?: (row: T) => string | undefined;
}

export interface TableLayout {
  /** Terminal columns the table should fit; unset: every cell whole (`--wide`, files for machines). */
  width?: number;
  /** Colour cells whose column says how (severities), with ANSI escapes. */
  color?: boolean;
}

/**
 * How a command's tables fit: every cell whole with `--wide` (or when nothing says how wide the
 * terminal is, as in tests), else the width the environment read; colour as it decided.
 */
export function tableLayout(terminal: { columns?: number; color?: boolean }, wide = false): TableLayout {
  return {
    ...(wide || terminal.columns === undefined ? {} : { width: terminal.columns }),
    color: Boolean(terminal.color),
  };
}

/** Column gap. */
const GAP = 2;
const DEFAULT_TEXT_MIN = 12;

export interface FittedTable {
  text: string;
  /** Whether some cell was cut, or some column left out, to fit the width. */
  cut: boolean;
  /** The headers of the `optional` columns left out to fit. */
  dropped: string[];
}

const totalWidth = (widths: readonly number[]) =>
  widths.reduce((a, b) => a + b, 0) + GAP * Math.max(0, widths.length - 1);

/**
 * Narrows `start` towards `width`, one stage of floors after the other: in each, the widest column
 * still above its floor loses one column at a time, so long cells shrink before short ones.
 */
function shrink(start: readonly number[], stages: readonly (readonly number[])[], width: number): number[] {
  const widths = [...start];
  for (const floor of stages) {
    let excess = totalWidth(widths) - width;
    while (excess > 0) {
      let widest = -1;
      for (let i = 0; i < widths.length; i++) {
        const w = widths[i] ?? 0;
        if (w > (floor[i] ?? w) && (widest < 0 || w > (widths[widest] ?? 0))) widest = i;
      }
      if (widest < 0) break;
      widths[widest] = (widths[widest] ?? 0) - 1;
      excess--;
    }
  }
  return widths;
}

/**
 * Lays out a table. Without `layout.width`, every cell is whole. With it, the table gives way in
 * this order until it fits: `text` columns shrink to their `min`; ARNs are cut in the middle;
 * `optional` columns are left out, the last first; `text` columns shrink to their header's width.
 * Other columns are never cut: a table of identifiers wider than the terminal wraps.
 */
export function fitTable<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  layout: TableLayout = {},
): FittedTable {
  const cells = rows.map((row) => columns.map((c) => forTerminal(String(c.value(row)), c.max)));
  const natural = columns.map((c, i) =>
    Math.max(displayWidth(c.header), ...cells.map((r) => displayWidth(r[i] ?? ''))),
  );
  let shown = columns.map((_, i) => i);
  let widths = natural;
  const dropped: string[] = [];
  const width = layout.width;
  if (width !== undefined) {
    const header = columns.map((c) => displayWidth(c.header));
    const textFloors = columns.map((c, i) =>
      c.kind === 'text'
        ? Math.min(natural[i] ?? 0, Math.max(c.min ?? DEFAULT_TEXT_MIN, header[i] ?? 0))
        : (natural[i] ?? 0),
    );
    const arnFloors = columns.map((c, i) =>
      c.kind === 'id'
        ? Math.max(header[i] ?? 0, ...cells.map((r) => narrowestArnWidth(r[i] ?? '')))
        : (textFloors[i] ?? 0),
    );
    const hardFloors = columns.map((c, i) => (c.kind === 'text' ? (header[i] ?? 0) : (arnFloors[i] ?? 0)));
    const pick = (values: readonly number[]) => shown.map((i) => values[i] ?? 0);
    const shrinkShown = () => shrink(pick(natural), [pick(textFloors), pick(arnFloors)], width);
    let fitted = shrinkShown();
    for (let i = columns.length - 1; i >= 0 && totalWidth(fitted) > width; i--) {
      if (!columns[i]?.optional) continue;
      shown = shown.filter((j) => j !== i);
      dropped.unshift(columns[i]?.header ?? '');
      fitted = shrinkShown();
    }
    fitted = shrink(fitted, [pick(hardFloors)], width);
    widths = columns.map((_, i) => (shown.includes(i) ? (fitted[shown.indexOf(i)] ?? 0) : 0));
  }
  let cut = dropped.length > 0;
  const fitCell = (text: string, i: number) => {
    const room = widths[i] ?? 0;
    if (displayWidth(text) <= room) return text;
    cut = true;
    return columns[i]?.kind === 'id' ? cutArnToWidth(text, room) : cutToWidth(text, room);
  };
  // Colour goes around the text, not the padding, so trimming a line never leaves an escape open.
  const pad = (text: string, i: number, sgr: string | undefined) => {
    const room = ' '.repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(text)));
    const painted = paint(text, sgr, layout.color && text !== '');
    return columns[i]?.align === 'right' ? room + painted : painted + room;
  };
  const line = (values: (i: number) => string, colors: (i: number) => string | undefined = () => undefined) =>
    shown
      .map((i) => pad(values(i), i, colors(i)))
      .join(' '.repeat(GAP))
      .trimEnd();
  const body = rows.map((row, r) =>
    line(
      (i) => fitCell(cells[r]?.[i] ?? '', i),
      (i) => columns[i]?.color?.(row),
    ),
  );
  const text = [
    line((i) => fitCell(columns[i]?.header ?? '', i)),
    line((i) => '-'.repeat(widths[i] ?? 0)),
    ...body,
  ].join('\n');
  return { text, cut, dropped };
}

export function renderTable<T>(
  rows: readonly T[],
  columns: readonly Column<T>[],
  layout: TableLayout = {},
): string {
  return fitTable(rows, columns, layout).text;
}

/**
 * What tables say under themselves when fitting the width cut a cell or left a column out;
 * empty when none did.
 */
export function cutNote(layout: TableLayout, tables: readonly FittedTable[]): string {
  if (layout.width === undefined || !tables.some((t) => t.cut)) return '';
  const dropped = [...new Set(tables.flatMap((t) => t.dropped))];
  const without = dropped.length ? ` (without ${dropped.join(', ')})` : '';
  return `Cut to fit ${layout.width} columns${without}: --wide shows every column and cell whole.`;
}

/** ANSI colours of the severities (bold red for critical, red, yellow, blue, dim). */
export const severityColors: Record<string, string> = {
  critical: '1;31',
  high: '31',
  medium: '33',
  low: '34',
  info: '2',
};

/** `text` in colour on a colour terminal; as is otherwise. */
export function paint(text: string, sgr: string | undefined, color: boolean | undefined): string {
  return color && sgr ? `\x1b[${sgr}m${text}\x1b[0m` : text;
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

/**
 * The UTF-8 byte-order mark Excel needs to read a CSV file as UTF-8 (without it, `’ … →` come out
 * as `â€™ â€¦ â†’`). Other spreadsheets and most CSV readers skip it.
 */
export const UTF8_BOM = '\ufeff';

/** A CSV document as estatescan writes it, to a file or stdout: with the byte-order mark. */
export function csvForSpreadsheets(csv: string): string {
  return csv.startsWith(UTF8_BOM) ? csv : UTF8_BOM + csv;
}
