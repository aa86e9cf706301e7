/**
 * The HTML report in a real browser: Debian's Chromium driven by playwright-core, the page opened from
 * a file as a user would open a mail attachment. Checks the numbers, the timeline, the filters, the
 * search and sorting, the layout on a desktop (1440 px) and a phone (390 px), dark mode and print,
 * and that the page runs without console errors (a CSP violation would be one) or network requests.
 *
 * Full-page screenshots at both widths are kept in a temporary directory (named in the test's
 * annotations and on stdout) for a person to look at; the assertions are about layout, not pixels.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { severityRank } from '../../../src/findings/types.ts';
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
let screenshots: string;
let url: string;
let browser: Browser | undefined;
let launchError: unknown;
let page: Page;
let problems: string[];
let requests: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'estatescan-html-'));
  // Kept after the run, unlike `dir`: they are for looking at.
  screenshots = await mkdtemp(join(tmpdir(), 'estatescan-html-screenshots-'));
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

/** What makes a page wider than its viewport: the page's own scroll width, and the widest element outside a scroll box. */
async function layoutWidths(p: Page) {
  return p.evaluate(() => {
    const inScrollBox = (el: Element) => Boolean(el.parentElement?.closest('.scroll'));
    let widest = { right: 0, what: '' };
    for (const el of document.querySelectorAll('body *')) {
      if (inScrollBox(el)) continue;
      const right = el.getBoundingClientRect().right + window.scrollX;
      if (right > widest.right) widest = { right, what: `${el.tagName.toLowerCase()}.${el.className}` };
    }
    return {
      scrollWidth: document.scrollingElement?.scrollWidth ?? Number.POSITIVE_INFINITY,
      innerWidth: window.innerWidth,
      widest,
    };
  });
}

/** A full-page screenshot in the kept directory, named in the test's annotations. */
async function screenshot(
  p: Page,
  name: string,
  annotate: (message: string, type?: string) => Promise<unknown>,
): Promise<string> {
  const path = join(screenshots, `${name}.png`);
  await p.screenshot({ path, fullPage: true });
  await annotate(path, 'screenshot');
  process.stdout.write(`[html report] screenshot ${path}\n`);
  return path;
}

const top = (p: Page, selector: string) =>
  p.$$eval(selector, (els) => els.map((el) => Math.round(el.getBoundingClientRect().top)));

describe('HTML report layout', () => {
  it('fits a 1440 px desktop: cards in one row, the timeline drawn, tables as wide as the page', async ({
    annotate,
  }) => {
    // Prepare
    await page.setViewportSize({ width: 1440, height: 900 });

    // Act
    const widths = await layoutWidths(page);
    const cardTops = await top(page, '#summary .card');
    const trackWidth = await page.locator('#timeline .timeline-item .tl-track').first().boundingBox();
    const rowDisplay = await page.$eval('#findings tbody tr', (tr) => getComputedStyle(tr).display);
    await screenshot(page, 'report-1440', annotate);

    // Assess
    expect(widths.scrollWidth).toBeLessThanOrEqual(widths.innerWidth);
    expect(widths.widest.right).toBeLessThanOrEqual(widths.innerWidth);
    expect(new Set(cardTops).size).toBe(1);
    expect(trackWidth?.width).toBeGreaterThan(400);
    expect(rowDisplay).toBe('table-row');
  });

  it('fits a 390 px phone: nothing wider than the screen, cards stacked, the timeline a list, findings as cards', async ({
    annotate,
  }) => {
    // Prepare
    await page.setViewportSize({ width: 390, height: 844 });

    // Act
    const widths = await layoutWidths(page);
    const cardTops = await top(page, '#summary .card');
    const cards = await page.$$eval('#summary .card', (els) =>
      els.map((el) => el.getBoundingClientRect().right),
    );
    const tracksShown = await page.locator('#timeline .timeline-item .tl-track:visible').count();
    const datesShown = await page.locator('#timeline .timeline-item .tl-dates:visible').count();
    const rowDisplay = await page.$eval('#findings tbody tr', (tr) => getComputedStyle(tr).display);
    const messageBox = await page.locator('#findings tbody tr').first().locator('summary').boundingBox();
    const byRule = await page.$eval('#by-rule .scroll', (box) => ({
      scrollWidth: box.scrollWidth,
      clientWidth: box.clientWidth,
    }));
    await screenshot(page, 'report-390', annotate);

    // Assess
    expect(widths.scrollWidth, `widest element: ${widths.widest.what}`).toBeLessThanOrEqual(
      widths.innerWidth,
    );
    expect(widths.widest.right, widths.widest.what).toBeLessThanOrEqual(widths.innerWidth);
    expect(new Set(cardTops).size).toBeGreaterThan(1);
    for (const right of cards) expect(right).toBeLessThanOrEqual(390);
    expect(tracksShown).toBe(0);
    expect(datesShown).toBe(report.lifecycle.length);
    expect(rowDisplay).toBe('block');
    expect((messageBox?.x ?? 0) + (messageBox?.width ?? 0)).toBeLessThanOrEqual(390);
    // The wide rule table scrolls inside its own box rather than widening the page.
    expect(byRule.scrollWidth).toBeGreaterThan(byRule.clientWidth);
  });

  it('follows a dark colour scheme', async ({ annotate }) => {
    // Prepare
    await page.setViewportSize({ width: 390, height: 844 });
    const colours = () =>
      page.evaluate(() => {
        const channels = (c: string) => (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number);
        const light = (c: string) => channels(c).reduce((a, b) => a + b, 0) / 3;
        const body = getComputedStyle(document.body);
        const card = getComputedStyle(document.querySelector('#summary .card') as Element);
        return {
          background: light(body.backgroundColor),
          text: light(body.color),
          card: light(card.backgroundColor),
        };
      });

    // Act
    const lightScheme = await colours();
    await page.emulateMedia({ colorScheme: 'dark' });
    const darkScheme = await colours();
    await screenshot(page, 'report-390-dark', annotate);

    // Assess
    expect(lightScheme.background).toBeGreaterThan(200);
    expect(darkScheme.background).toBeLessThan(40);
    expect(darkScheme.text).toBeGreaterThan(180);
    expect(darkScheme.card).toBeLessThan(40);
  });

  it('prints every finding with its evidence and remediation, and no controls', async ({ annotate }) => {
    // Prepare
    await page.setViewportSize({ width: 794, height: 1123 });

    // Act
    await page.emulateMedia({ media: 'print' });
    const shown = await page.$$eval('#findings tbody tr[data-severity]', (rows) =>
      rows.map((row) => {
        const box = (el: Element | null) => (el ? el.getBoundingClientRect().height : 0);
        return {
          evidence: box(row.querySelector('pre')),
          remediation: box(row.querySelector('.remediation')),
        };
      }),
    );
    const filtersShown = await page.locator('#findings .filters').isVisible();
    const widths = await layoutWidths(page);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    await screenshot(page, 'report-print', annotate);

    // Assess
    expect(shown).toHaveLength(report.findings.length);
    for (const row of shown) {
      expect(row.evidence).toBeGreaterThan(0);
      expect(row.remediation).toBeGreaterThan(0);
    }
    expect(filtersShown).toBe(false);
    expect(widths.scrollWidth, `widest element: ${widths.widest.what}`).toBeLessThanOrEqual(
      widths.innerWidth,
    );
    expect(pdf.byteLength).toBeGreaterThan(10_000);
  });
});

describe('HTML report search and sorting', () => {
  it('finds findings by any text they hold, evidence included, with the other filters', async () => {
    // Prepare
    const suppressed = report.findings.find((f) => f.status === 'suppressed')!;

    // Act
    await page.fill('#filter-text', suppressed.resourceId.toUpperCase());
    const byResource = await page.$$eval(visibleRows, (rows) =>
      rows.map((r) => r.getAttribute('data-finding-id')),
    );
    await page.fill('#filter-text', 'acme logs-archive');
    const allWords = await page.locator('#shown-count').textContent();
    await page.selectOption('select#filter-status', 'open');
    const withStatus = await page.locator('#shown-count').textContent();
    await page.selectOption('select#filter-status', '');
    await page.fill('#filter-text', '');

    // Assess
    expect(byResource).toEqual([suppressed.findingId]);
    expect(allWords).toBe('1');
    expect(withStatus).toBe('0');
    await expect(page.locator(visibleRows).count()).resolves.toBe(report.findings.length);
  });

  it('sorts a column by its header, ascending then descending, severities by rank', async () => {
    // Prepare
    const header = (text: string) => page.locator('#findings th button.sort', { hasText: text });
    const column = (index: number) =>
      page.$$eval(`${visibleRows} > td:nth-child(${index})`, (cells) =>
        cells.map((c) => c.textContent?.trim()),
      );

    // Act
    await header('resource').click();
    const ascending = await column(6);
    const ariaAscending = await page
      .locator('#findings th', { hasText: 'resource' })
      .getAttribute('aria-sort');
    await header('resource').click();
    const descending = await column(6);
    await header('severity').click();
    const byRank = await page.$$eval(visibleRows, (rows) => rows.map((r) => r.getAttribute('data-severity')));

    // Assess
    const resources = report.findings.map((f) => f.resourceId);
    const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
    expect(ascending).toEqual([...resources].sort(collator.compare));
    expect(ariaAscending).toBe('ascending');
    expect(descending).toEqual([...resources].sort(collator.compare).reverse());
    expect(byRank).toEqual(
      [...report.findings]
        .sort((a, b) => severityRank(a.severity) - severityRank(b.severity))
        .map((f) => f.severity),
    );
  });

  it('sorts a numeric column of the inventory as numbers', async () => {
    // Act
    await page.locator('#inventory th button.sort', { hasText: 'total' }).click();
    const totals = await page.$$eval('#inventory table:not(.placement) tbody tr > td:last-child', (cells) =>
      cells.map((c) => Number(c.textContent)),
    );

    // Assess
    expect(totals).toEqual([...totals].sort((a, b) => a - b));
    expect(totals.length).toBeGreaterThan(1);
  });
});
