/** Every output format of `estatescan scan`, rendered from one `ScanReport`. */
import { renderAsff } from './asff.ts';
import { renderFindingsCsv } from './csv.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderOcsf } from './ocsf.ts';
import { renderFindingsTable } from './table.ts';
import type { ScanReport } from './types.ts';

export const scanFormats = ['table', 'json', 'csv', 'ocsf', 'asff', 'html'] as const;
export type ScanFormat = (typeof scanFormats)[number];

const renderers: Record<ScanFormat, (report: ScanReport) => string> = {
  table: renderFindingsTable,
  json: renderJson,
  csv: renderFindingsCsv,
  ocsf: renderOcsf,
  asff: renderAsff,
  html: renderHtml,
};

export function renderReport(report: ScanReport, format: ScanFormat): string {
  return renderers[format](report);
}
