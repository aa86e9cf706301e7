/**
 * The HTML report in a real browser: Debian's Chromium driven by playwright-core, the page opened from
 * a file as a user would open a mail attachment. Checks the numbers, the timeline, the filters and
 * that the page runs without console errors (a CSP violation would be one) or network requests.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderHtml } from '../../../src/report/html.ts';
import { compareFindings } from '../../../src/report/table.ts';
import { DATA, makeReport, PROD } from '../../fixtures/report.ts';

const candidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', process.env.CHROMIUM_PATH];

function chromiumPath(): string {
  const found = candidates.find((p): p is string => Boolean(p && existsSync(p)));
  if (!found) {
    throw new Error(
      `No Chromium binary found (looked at ${candidates.filter(Boolean).join(', ')}). ` +
        "Install Debian's chromium package (apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium binary.",
    );
  }
  return found;
}

const report = makeReport();
const visibleRows = '#findings tbody tr[data-severity]:visible';

let dir: string;
let url: string;
let browser: Browser | undefined;
let launchError: unknown;
let page: Page;
let problems: string[];
let requests: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'estatescan-html-'));
  const file = join(dir, 'report.html');
  await writeFile(file, renderHtml(report));
  url = pathToFileURL(file).href;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
  } catch (error) {
    // Kept for beforeEach, so every test fails with the reason (a failing beforeAll reports skips).
    launchError = error;
  }
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  if (!browser) throw launchError;
  problems = [];
  requests = [];
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
});

afterEach(async () => {
  if (!browser) return;
  await page.close();
  // Assess (every test): no script errors, no CSP violations, nothing fetched but the file itself.
  expect(problems).toEqual([]);
  expect(requests.filter((r) => !r.startsWith('file:') && !r.startsWith('data:'))).toEqual([]);
});

describe('HTML report in Chromium', () => {
  it('shows the open findings per severity in the summary', async () => {
    // Act
    const counts = await page.$$eval('#summary [data-severity]', (cards) =>
      Object.fromEntries(
        cards.map((c) => [c.getAttribute('data-severity'), c.querySelector('.count')?.textContent]),
      ),
    );

    // Assess
    expect(counts).toEqual({ critical: '4', high: '5', medium: '3', low: '2', info: '1' });
    await expect(page.locator('#shown-count').textContent()).resolves.toBe(String(report.findings.length));
    await expect(page.locator(visibleRows).count()).resolves.toBe(report.findings.length);
  });

  it('draws one timeline item per lifecycle entry, past-due ones marked and visible', async () => {
    // Act
    const items = page.locator('#timeline .timeline-item');
    const overdue = page.locator('#timeline .timeline-item[data-state="ended"] .seg.overdue');

    // Assess
    await expect(items.count()).resolves.toBe(report.lifecycle.length);
    await expect(overdue.count()).resolves.toBe(3);
    for (const box of await Promise.all((await overdue.all()).map((o) => o.boundingBox()))) {
      expect(box?.width).toBeGreaterThanOrEqual(3);
    }
    await expect(
      page.locator('#timeline .timeline-item[data-location="on-premises"] .badge').count(),
    ).resolves.toBe(2);
  });

  it('filters the findings by severity and updates the shown count', async () => {
    // Act
    await page.selectOption('select#filter-severity', 'high');

    // Assess
    const severities = await page.$$eval(visibleRows, (rows) =>
      rows.map((r) => r.getAttribute('data-severity')),
    );
    expect(severities).toEqual(['high', 'high', 'high', 'high', 'high']);
    await expect(page.locator('#shown-count').textContent()).resolves.toBe('5');
  });

  it('filters the findings by account, and by account and severity together', async () => {
    // Act
    await page.selectOption('select#filter-account', DATA);
    const accounts = await page.$$eval(visibleRows, (rows) =>
      rows.map((r) => r.getAttribute('data-account')),
    );
    const shownForAccount = await page.locator('#shown-count').textContent();
    await page.selectOption('select#filter-severity', 'medium');
    const both = await page.$$eval(visibleRows, (rows) =>
      rows.map((r) => `${r.getAttribute('data-account')}/${r.getAttribute('data-severity')}`),
    );

    // Assess
    const expected = report.findings.filter((f) => f.accountId === DATA).length;
    expect(accounts).toEqual(Array(expected).fill(DATA));
    expect(shownForAccount).toBe(String(expected));
    expect(both).toEqual([`${DATA}/medium`, `${DATA}/medium`, `${DATA}/medium`]);
    await expect(page.locator('#shown-count').textContent()).resolves.toBe('3');
  });

  it('says so when no finding matches, and shows everything again when the filters are cleared', async () => {
    // Act
    await page.selectOption('select#filter-account', PROD);
    await page.selectOption('select#filter-severity', 'low');
    const noneShown = await page.locator('#shown-count').textContent();
    const noMatchVisible = await page.locator('#no-match').isVisible();
    await page.selectOption('select#filter-account', '');
    await page.selectOption('select#filter-severity', '');

    // Assess
    expect(noneShown).toBe('0');
    expect(noMatchVisible).toBe(true);
    await expect(page.locator(visibleRows).count()).resolves.toBe(report.findings.length);
    await expect(page.locator('#no-match').isVisible()).resolves.toBe(false);
  });

  it('filters by severity when a summary card is clicked', async () => {
    // Act
    await page.click('#summary [data-severity="critical"]');

    // Assess
    await expect(page.locator('select#filter-severity').inputValue()).resolves.toBe('critical');
    await expect(page.locator('#shown-count').textContent()).resolves.toBe('4');
  });

  it('expands a finding to its evidence and remediation', async () => {
    // Prepare
    const first = [...report.findings].sort(compareFindings)[0]!;
    const row = page.locator(visibleRows).first();
    const evidence = row.locator('pre');

    // Act
    const hiddenBefore = await evidence.isVisible();
    await row.locator('summary').click();

    // Assess
    expect(hiddenBefore).toBe(false);
    await expect(evidence.isVisible()).resolves.toBe(true);
    await expect(row.getAttribute('data-finding-id')).resolves.toBe(first.findingId);
    expect(JSON.parse((await evidence.textContent()) ?? '')).toEqual(first.evidence);
    await expect(row.locator('.remediation').textContent()).resolves.toBe(first.remediation);
  });
});
