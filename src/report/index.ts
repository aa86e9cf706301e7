/** Every output format of `estatescan scan`, rendered from one `ScanReport`. */
import type { TableLayout } from '../cli/table.ts';
import { renderAsff } from './asff.ts';
import { renderFindingsCsv } from './csv.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderOcsf } from './ocsf.ts';
import { renderFindingsTable } from './table.ts';
import type { ScanReport } from './types.ts';

export const scanFormats = ['table', 'json', 'csv', 'ocsf', 'asff', 'html'] as const;
export type ScanFormat = (typeof scanFormats)[number];

const renderers: Record<ScanFormat, (report: ScanReport, layout: TableLayout) => string> = {
  table: renderFindingsTable,
  json: renderJson,
  csv: renderFindingsCsv,
  ocsf: renderOcsf,
  asff: renderAsff,
  html: renderHtml,
};

/** `layout` is the terminal's, for `table` (the other formats are for files and programs). */
export function renderReport(report: ScanReport, format: ScanFormat, layout: TableLayout = {}): string {
  return renderers[format](report, layout);
}
