import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Column,
  csvForSpreadsheets,
  cutNote,
  fitTable,
  renderCsv,
  renderTable,
  severityColors,
  tableLayout,
} from '../../../src/cli/table.ts';
import { displayWidth } from '../../../src/text/sanitize.ts';

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

describe('fitTable: a table that fits the terminal', () => {
  interface Finding {
    account: string;
    resource: string;
    message: string;
  }
  const arn =
    'arn:aws:ecs:eu-west-1:111111111111:container-instance/prod-cluster/0f3c9d2e7a1b4c58a9e1d2c3b4a5f607';
  const rows: Finding[] = [
    {
      account: '111111111111',
      resource: 'sg-0123456789abcdef0',
      message: `Security group ${'x'.repeat(120)}`,
    },
    { account: '222222222222', resource: arn, message: 'Container instance disconnected since 2026-09-01' },
  ];
  const columns: Column<Finding>[] = [
    { header: 'account', value: (r) => r.account },
    { header: 'resource', value: (r) => r.resource, kind: 'id' },
    { header: 'message', value: (r) => r.message, kind: 'text', min: 20 },
  ];

  it('prints every cell whole without a width', () => {
    // Act
    const { text, cut } = fitTable(rows, columns);

    // Assess
    expect(text).toContain(rows[0]!.message);
    expect(text).toContain(arn);
    expect(cut).toBe(false);
  });

  it('shrinks free text first, keeping identifiers whole', () => {
    // Act
    const { text, cut } = fitTable(rows, columns, { width: 160 });

    // Assess
    const lines = text.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(160);
    expect(lines[2]).toMatch(/^111111111111 {2}sg-0123456789abcdef0 +Security group x+…$/);
    expect(text).toContain(arn);
    expect(cut).toBe(true);
  });

  it('then cuts ARNs in the middle, keeping the resource id at their end', () => {
    // Act
    const { text } = fitTable(rows, columns, { width: 100 });

    // Assess
    const lines = text.split('\n');
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(100);
    const row = lines.find((l) => l.startsWith('222222222222')) ?? '';
    expect(row).toMatch(/ {2}arn:aws:ecs:[^ ]*…prod-cluster\/0f3c9d2e7a1b4c58a9e1d2c3b4a5f607 {2}/);
    expect(row).toContain('Container instance');
  });

  it('leaves optional columns out before cutting text to its header, and says which', () => {
    // Prepare
    const withOptional: Column<Finding>[] = [
      columns[0]!,
      { header: 'region', value: () => 'eu-west-1', optional: true },
      columns[2]!,
    ];

    // Act
    const fitted = fitTable(rows, withOptional, { width: 40 });

    // Assess
    expect(fitted.dropped).toEqual(['region']);
    expect(fitted.text).not.toContain('eu-west-1');
    expect(Math.max(...fitted.text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(40);
    expect(cutNote({ width: 40 }, [fitted])).toBe(
      'Cut to fit 40 columns (without region): --wide shows every column and cell whole.',
    );
  });

  it('never cuts an identifier that is not an ARN, even when the table cannot fit', () => {
    // Act
    const { text } = fitTable(rows, columns, { width: 30 });

    // Assess
    expect(text).toContain('sg-0123456789abcdef0');
    expect(text).toContain('0f3c9d2e7a1b4c58a9e1d2c3b4a5f607');
  });

  it('pads by terminal columns: wide characters take two', () => {
    // Prepare
    const names: Column<{ name: string }>[] = [
      { header: 'name', value: (r) => r.name },
      { header: 'x', value: () => 'x' },
    ];

    // Act
    const { text } = fitTable([{ name: '東京' }, { name: 'oslo' }], names);

    // Assess
    expect(text.split('\n').slice(2)).toEqual(['東京  x', 'oslo  x']);
  });

  it('colours cells only when asked, around the text and not the padding', () => {
    // Prepare
    const severity: Column<{ s: string }>[] = [
      { header: 'severity', value: (r) => r.s, color: (r) => severityColors[r.s] },
      { header: 'x', value: () => 'x' },
    ];

    // Act
    const plain = fitTable([{ s: 'high' }], severity, { width: 80 });
    const coloured = fitTable([{ s: 'high' }], severity, { width: 80, color: true });

    // Assess
    expect(plain.text).not.toContain('\u001b');
    expect(coloured.text.split('\n')[2]).toBe('\u001b[31mhigh\u001b[0m      x');
  });

  it('fits any text to any width it can: every line within it, no escape split, one line a row', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ id: fc.stringMatching(/^[a-z0-9-]{1,20}$/), text: fc.string({ maxLength: 200 }) }),
          {
            maxLength: 8,
          },
        ),
        fc.integer({ min: 40, max: 200 }),
        (data, width) => {
          // Act
          const { text } = fitTable(
            data,
            [
              { header: 'id', value: (r) => r.id, kind: 'id' },
              { header: 'text', value: (r) => r.text, kind: 'text' },
            ],
            { width },
          );

          // Assess
          const lines = text.split('\n');
          expect(lines).toHaveLength(data.length + 2);
          for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(width);
          expect(text).not.toMatch(/\\(?:x[0-9a-f]?|u[0-9a-f]{0,3}|u\{[0-9a-f]*)…/);
          for (const row of data) expect(text).toContain(row.id);
        },
      ),
    );
  });
});

describe('tableLayout', () => {
  it('fits the terminal unless --wide or nothing says how wide it is', () => {
    expect(tableLayout({ columns: 80, color: true })).toEqual({ width: 80, color: true });
    expect(tableLayout({ columns: 80 }, true)).toEqual({ color: false });
    expect(tableLayout({})).toEqual({ color: false });
  });
});

describe('csvForSpreadsheets', () => {
  it('starts CSV with one UTF-8 byte-order mark, so Excel reads ’ … → as they are', () => {
    // Act
    const csv = csvForSpreadsheets(renderCsv([{ id: 'i-1', name: 'Ops’ box … → prod', tasks: 1 }], columns));

    // Assess
    expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csvForSpreadsheets(csv)).toBe(csv);
    expect(csv.slice(1)).toBe('ID,Name,Tasks\ni-1,Ops’ box … → prod,1\n');
  });
});
