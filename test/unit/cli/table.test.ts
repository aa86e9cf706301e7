import { describe, expect, it } from 'vitest';
import { type Column, renderCsv, renderTable } from '../../../src/cli/table.ts';

interface Row {
  id: string;
  name: string;
  tasks: number;
}

const columns: Column<Row>[] = [
  { header: 'ID', value: (r) => r.id },
  { header: 'Name', value: (r) => r.name, max: 8 },
  { header: 'Tasks', value: (r) => r.tasks, align: 'right' },
];

describe('renderTable', () => {
  it('pads each column to its widest cell, right-aligning numbers and cutting long cells', () => {
    // Prepare
    const rows: Row[] = [
      { id: 'i-1', name: 'web', tasks: 3 },
      { id: 'i-22222', name: 'a very long name', tasks: 120 },
    ];

    // Act
    const table = renderTable(rows, columns);

    // Assess
    expect(table.split('\n')).toEqual([
      'ID       Name      Tasks',
      '-------  --------  -----',
      'i-1      web           3',
      'i-22222  a very …    120',
    ]);
  });

  it('keeps a cell exactly as long as the limit whole', () => {
    // Prepare
    const rows: Row[] = [{ id: 'i-1', name: '12345678', tasks: 0 }];

    // Act
    const table = renderTable(rows, columns);

    // Assess
    expect(table.split('\n')[2]).toBe('i-1  12345678      0');
  });

  it('collapses line breaks and tabs in a cell, and trims the end of each line', () => {
    // Prepare
    const notes: Column<{ note: string }>[] = [
      { header: 'Note', value: (r) => r.note },
      { header: 'X', value: () => '' },
    ];

    // Act
    const table = renderTable([{ note: 'first line\nsecond\t\tline' }], notes);

    // Assess
    expect(table.split('\n')).toEqual([
      'Note                    X',
      '----------------------  -',
      'first line second line',
    ]);
  });

  it('prints the header and rule alone for no rows', () => {
    // Act
    const table = renderTable([], columns);

    // Assess
    expect(table).toBe('ID  Name  Tasks\n--  ----  -----');
  });
});

describe('renderCsv', () => {
  it('writes a header, one line per row and a final newline', () => {
    // Act
    const csv = renderCsv([{ id: 'i-1', name: 'web', tasks: 3 }], columns);

    // Assess
    expect(csv).toBe('ID,Name,Tasks\ni-1,web,3\n');
  });

  it('quotes cells holding commas, quotes or line breaks, doubling inner quotes, and shows a bare CR', () => {
    // Prepare
    const rows: Row[] = [
      { id: 'a,b', name: 'say "hi"', tasks: 1 },
      { id: 'two\nlines', name: 'cr\rhere', tasks: 2 },
    ];

    // Act
    const csv = renderCsv(rows, columns);

    // Assess
    // A bare CR used to pass through; printed to a terminal it rewrites the line it is on.
    expect(csv).toBe('ID,Name,Tasks\n"a,b","say ""hi""",1\n"two\nlines",cr\\x0dhere,2\n');
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    // Prepare
    const cells = ['=HYPERLINK("http://example.com","x")', '+1+1', '-2+3', '@SUM(A1:A2)', 'ok=fine'];
    const single: Column<string>[] = [{ header: 'Value', value: (v) => v }];

    // Act
    const csv = renderCsv(cells, single);

    // Assess
    expect(csv.split('\n')).toEqual([
      'Value',
      `"'=HYPERLINK(""http://example.com"",""x"")"`,
      "'+1+1",
      "'-2+3",
      "'@SUM(A1:A2)",
      'ok=fine',
      '',
    ]);
  });

  it('prints the header alone for no rows', () => {
    // Act
    const csv = renderCsv([], columns);

    // Assess
    expect(csv).toBe('ID,Name,Tasks\n');
  });
});
