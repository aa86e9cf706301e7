/**
 * `--format html`: one self-contained page for people (auditors, architects, the engineer on call).
 * Inline CSS and JS, no external resources, so it opens offline from a mail attachment or a CI
 * artifact. Every value from the scan goes through `esc()`: resource names, tags and messages are
 * attacker-controllable text (anyone who can tag an instance can name it `<script>…`, or reorder
 * what a reader sees with a bidi override). The Content-Security-Policy only lets the page's own
 * script (by hash) run, as a second line of defence.
 *
 * The page is a pure function of the report: "now" is the scan's `finishedAt`, so the same report
 * always renders the same page.
 */
import { createHash } from 'node:crypto';
import { complianceRequirements } from '../engine/compliance.ts';
import { defaultRuleSettings } from '../engine/types.ts';
import { type Finding, type Severity, severities, severityRank } from '../findings/types.ts';
import { placementCountLabels, placementCountNames, placementSummary } from '../inventory/placement.ts';
import type { InventoryRow } from '../inventory/rows.ts';
import { plural } from '../text/plural.ts';
import { visible } from '../text/sanitize.ts';
import { accountName, coverageTotals, resourceTags, ruleDocumentationUrl, ruleOf } from './context.ts';
import { compareFindings, countByStatus } from './table.ts';
import type { LifecycleEntry, ScanReport } from './types.ts';

/** Short labels for resource types, as in `estatescan inventory`. */
const inventoryLabels: Record<string, string> = {
  'ec2.vpcs': 'VPCs',
  'ec2.subnets': 'subnets',
  'ec2.instances': 'EC2',
  'ec2.images': 'AMIs',
  'ec2.securityGroups': 'SGs',
  'ec2.availabilityZones': 'edge zones',
  'outposts.outposts': 'Outposts',
  'ecs.clusters': 'ECS',
  'ecs.containerInstances': 'ECS hosts',
  'ecs.services': 'ECS services',
  'ecs.taskDefinitions': 'task defs',
  'eks.clusters': 'EKS',
  'eks.nodegroups': 'nodegroups',
  'eks.fargateProfiles': 'Fargate profiles',
  'eks.addons': 'add-ons',
  'ecr.repositories': 'ECR',
  'ecrPublic.repositories': 'ECR public',
  's3.buckets': 'S3',
  'ssm.managedInstances': 'SSM',
};

const htmlEscapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for element content and double- or single-quoted attribute values. Controls, bidi
 * and zero-width characters are shown (`\u202e`) first: a browser would apply them (and reorder
 * the text around them); line breaks and tabs stay, for `<pre>` and pre-wrapped text.
 */
export function esc(value: unknown): string {
  return visible(String(value ?? ''), { lineBreaks: true }).replace(/[&<>"']/g, (c) => htmlEscapes[c] ?? c);
}

/** Already-escaped markup, so table helpers know not to escape it again. */
interface Html {
  html: string;
}
type Cell = string | number | Html;

const raw = (html: string): Html => ({ html });
const cell = (c: Cell) => (typeof c === 'object' ? c.html : esc(c));

/** A column: numbers align right; free text (`wrap`) may wrap, every other cell stays on one line. */
interface Header {
  text: string;
  numeric?: boolean;
  wrap?: boolean;
}

/** A column header the page's script sorts by (a button, so keyboards reach it). */
function sortableHeader(text: string, numeric = false): string {
  return `<th${numeric ? ' class="num"' : ''} aria-sort="none"><button type="button" class="sort">${esc(text)}</button></th>`;
}

/**
 * A table with sortable columns, in a box that scrolls sideways on its own when it is wider than
 * the screen (the page itself never does).
 */
function htmlTable(headers: readonly (string | Header)[], rows: readonly Cell[][], attrs = ''): string {
  const specs = headers.map((h): Header => (typeof h === 'object' ? h : { text: h }));
  const th = specs.map((h) => sortableHeader(h.text, h.numeric)).join('');
  // Cells stay on one line (ids, regions, counts), except free text, which wraps.
  const classes = specs.map((h) => (h.numeric ? ' class="num"' : h.wrap ? ' class="wrap"' : ''));
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td${classes[i] ?? ''}>${cell(c)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<div class="scroll"><table${attrs}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

/** `data-rank` lets a column of badges sort worst first. */
const severityBadge = (s: Severity) =>
  raw(`<span class="sev sev-${esc(s)}" data-rank="${severityRank(s)}">${esc(s)}</span>`);

/** "in 41 days", "3 months ago", "2.4 years ago". */
function relative(days: number): string {
  const abs = Math.abs(days);
  const span =
    abs < 60
      ? plural(abs, 'day')
      : abs < 730
        ? plural(Math.round(abs / 30.44), 'month')
        : `${(abs / 365.25).toFixed(1)} years`;
  return days === 0 ? 'today' : days > 0 ? `in ${span}` : `${span} ago`;
}

// ---------------------------------------------------------------- header and summary

function renderHeader(report: ScanReport): string {
  const byStatus = (s: string) => report.targets.filter((t) => t.status === s).length;
  const accounts = new Set(report.targets.map((t) => t.accountId)).size;
  const targetText = [
    `${plural(report.targets.length, 'target')} in ${plural(accounts, 'account')}`,
    [`${byStatus('ok')} ok`, byStatus('partial') && `${byStatus('partial')} partial`]
      .concat(byStatus('failed') ? [`${byStatus('failed')} failed`] : [])
      .filter(Boolean)
      .join(', '),
  ].join(': ');
  const facts: [string, string][] = [
    ['Run', report.runId],
    ['Started', report.startedAt],
    ['Finished', report.finishedAt],
    ['Targets', targetText],
    ['Generator', `${report.generator.name} ${report.generator.version}`],
    ['Lifecycle catalogue', report.generator.catalogueDate],
  ];
  return `<header id="header">
<h1>estatescan report</h1>
<dl class="facts">${facts.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>
</header>`;
}

function renderSummary(report: ScanReport): string {
  const cards = severities
    .map((s) => {
      const mine = report.findings.filter((f) => f.severity === s);
      const counts = countByStatus(mine);
      const extra = [
        counts.suppressed ? `${counts.suppressed} suppressed` : '',
        counts.resolved ? `${counts.resolved} resolved` : '',
      ]
        .filter(Boolean)
        .join(' · ');
      return `<button type="button" class="card sev-card-${esc(s)}" data-severity="${esc(s)}" title="Show ${esc(s)} findings">
<span class="count">${counts.open}</span><span class="label">${esc(s)}</span><span class="extra">${esc(extra || 'open')}</span></button>`;
    })
    .join('\n');
  const totals = countByStatus(report.findings);
  const incomplete = report.targets.filter((t) => t.status !== 'ok').length;
  const notes = [
    `${plural(report.findings.length, 'finding')}: ${totals.open} open, ${totals.suppressed} suppressed, ${totals.resolved} resolved.`,
    incomplete
      ? `${plural(incomplete, 'target')} incomplete and ${plural(report.skippedRules.length, 'rule evaluation')} skipped: findings there may be missing (see Coverage).`
      : '',
  ].filter(Boolean);
  return `<section id="summary">
<h2>Open findings by severity</h2>
<div class="cards">${cards}</div>
${notes.map((n) => `<p class="${n.includes('incomplete') ? 'warn' : 'note'}">${esc(n)}</p>`).join('\n')}
</section>`;
}

function renderByAccount(report: ScanReport): string {
  const accounts = [
    ...new Set([...report.targets.map((t) => t.accountId), ...report.findings.map((f) => f.accountId)]),
  ].sort();
  const rows = accounts.map((account): Cell[] => {
    const mine = report.findings.filter((f) => f.accountId === account);
    const open = mine.filter((f) => f.status === 'open');
    const targets = report.targets.filter((t) => t.accountId === account);
    const incomplete = targets.filter((t) => t.status !== 'ok').length;
    const name = accountName(report, account);
    return [
      name === account ? account : raw(`${esc(name)} <span class="muted">${esc(account)}</span>`),
      `${targets.length}${incomplete ? ` (${incomplete} incomplete)` : ''}`,
      ...severities.map((s) => open.filter((f) => f.severity === s).length || ''),
      countByStatus(mine).suppressed || '',
      open.length,
    ];
  });
  const num = (text: string) => ({ text, numeric: true });
  return `<section id="by-account">
<h2>Open findings by account</h2>
${htmlTable(['account', 'targets', ...severities.map(num), num('suppressed'), num('open')], rows)}
</section>`;
}

function renderByRule(report: ScanReport): string {
  const rules = new Map(report.rules.map((r) => [r.id, r]));
  for (const f of report.findings) {
    if (!rules.has(f.ruleId))
      rules.set(f.ruleId, { id: f.ruleId, title: f.title, severity: f.severity, service: '' });
  }
  const stats = [...rules.values()].map((rule) => {
    const mine = report.findings.filter((f) => f.ruleId === rule.id);
    const open = mine.filter((f) => f.status === 'open');
    const worst = open.reduce<Severity | undefined>(
      (w, f) => (!w || severityRank(f.severity) > severityRank(w) ? f.severity : w),
      undefined,
    );
    return { rule, mine, open, worst };
  });
  stats.sort(
    (a, b) =>
      (b.worst ? severityRank(b.worst) : -1) - (a.worst ? severityRank(a.worst) : -1) ||
      b.open.length - a.open.length ||
      a.rule.id.localeCompare(b.rule.id),
  );
  const rows = stats.map(({ rule, mine, open, worst }): Cell[] => {
    const coverage = coverageTotals(report, rule.id);
    const controls = complianceRequirements(ruleOf(report, rule.id)?.references);
    return [
      raw(`<code>${esc(rule.id)}</code>`),
      rule.title,
      controls.length ? raw(controls.map((c) => esc(c)).join('<br>')) : '',
      worst ? severityBadge(worst) : raw('<span class="muted">none open</span>'),
      coverage ? coverage.evaluated : raw('<span class="muted">not evaluated</span>'),
      coverage ? coverage.failed : '',
      coverage ? coverage.passed : '',
      open.length,
      countByStatus(mine).suppressed || '',
      new Set(open.map((f) => f.accountId)).size || '',
    ];
  });
  return `<section id="by-rule">
<h2>Findings by rule</h2>
<p class="note">Per rule, the resources it judged in every target it could read, how many of them failed (a finding, suppressed or not) and how many passed; "controls" are the Security Hub and CIS controls it maps to.</p>
${htmlTable(
  [
    'rule',
    { text: 'title', wrap: true },
    { text: 'controls', wrap: true },
    'worst open',
    { text: 'resources evaluated', numeric: true },
    { text: 'failed', numeric: true },
    { text: 'passed', numeric: true },
    { text: 'open', numeric: true },
    { text: 'suppressed', numeric: true },
    { text: 'accounts', numeric: true },
  ],
  rows,
)}
</section>`;
}

// ---------------------------------------------------------------- end-of-life timeline

type LifecycleState = 'ended' | 'extended' | 'soon' | 'supported';

const stateText: Record<LifecycleState, string> = {
  ended: 'past end of life',
  extended: 'in extended support',
  soon: 'standard support ends soon',
  supported: 'supported',
};

/** The entry's status as the rules judged it (same day arithmetic, same warning window). */
function lifecycleState(entry: LifecycleEntry): LifecycleState {
  switch (entry.status.state) {
    case 'past-extended':
      return 'ended';
    case 'past-standard':
      return 'extended';
    case 'ending-soon':
      return 'soon';
    case 'supported':
      return 'supported';
  }
}

function renderTimeline(report: ScanReport): string {
  const heading = '<h2>End-of-life timeline</h2>';
  if (!report.lifecycle.length) {
    return `<section id="timeline">${heading}<p class="note">No hosts or clusters with a known lifecycle.</p></section>`;
  }
  const now = Date.parse(report.finishedAt);
  const entries = [...report.lifecycle].sort(
    (a, b) =>
      a.endOfStandard.localeCompare(b.endOfStandard) ||
      (a.endOfExtended ?? '').localeCompare(b.endOfExtended ?? '') ||
      a.name.localeCompare(b.name),
  );
  const dates = entries.flatMap((e) => [
    Date.parse(e.endOfStandard),
    Date.parse(e.endOfExtended ?? e.endOfStandard),
  ]);
  // Whole years on the axis, so the year grid lines are evenly spaced.
  const firstYear = new Date(Math.min(now, ...dates)).getUTCFullYear();
  const lastYear = new Date(Math.max(now, ...dates)).getUTCFullYear() + 1;
  const start = Date.UTC(firstYear, 0, 1);
  const span = Date.UTC(lastYear, 0, 1) - start;
  const pct = (t: number) => ((t - start) / span) * 100;
  const years = lastYear - firstYear;
  const segment = (cls: string, from: number, to: number, title: string) =>
    to > from
      ? `<span class="seg ${cls}" style="left:${pct(from).toFixed(3)}%;width:${(pct(to) - pct(from)).toFixed(3)}%" title="${esc(title)}"></span>`
      : '';

  const axis = Array.from({ length: years }, (_, i) => {
    const year = firstYear + i;
    return `<span class="year" style="left:${pct(Date.UTC(year, 0, 1)).toFixed(3)}%">${year}</span>`;
  }).join('');
  const nowMark = `<span class="now" style="left:${pct(now).toFixed(3)}%"></span>`;

  const items = entries.map((e) => {
    const standard = Date.parse(e.endOfStandard);
    const extended = e.endOfExtended ? Date.parse(e.endOfExtended) : undefined;
    const end = extended ?? standard;
    const { status } = e;
    const state = lifecycleState(e);
    const daysToStandard = status.daysUntilStandardEnd ?? -(status.daysPastStandard ?? 0);
    const daysToEnd = extended
      ? (status.daysUntilExtendedEnd ?? -(status.daysPastExtended ?? 0))
      : daysToStandard;
    const bars = [
      segment('standard', now, standard, `standard support until ${e.endOfStandard}`),
      extended
        ? segment('extended', Math.max(now, standard), extended, `extended support until ${e.endOfExtended}`)
        : '',
      extended && state !== 'soon' && state !== 'supported'
        ? segment(
            'past-standard',
            standard,
            Math.min(extended, now),
            `out of standard support since ${e.endOfStandard}`,
          )
        : '',
      state === 'ended'
        ? segment('overdue', end, now, `no support since ${e.endOfExtended ?? e.endOfStandard}`)
        : '',
    ].join('');
    const dateText =
      state === 'ended'
        ? `ended ${esc(e.endOfExtended ?? e.endOfStandard)} (${esc(relative(daysToEnd))})`
        : state === 'extended'
          ? `standard ended ${esc(e.endOfStandard)}; extended until ${esc(e.endOfExtended)} (${esc(relative(daysToEnd))})`
          : `standard until ${esc(e.endOfStandard)} (${esc(relative(daysToStandard))})${e.endOfExtended ? `; extended until ${esc(e.endOfExtended)}` : ''}`;
    const where =
      e.location === 'cloud' ? '' : `<span class="badge loc-${esc(e.location)}">${esc(e.location)}</span>`;
    return `<li class="timeline-item" data-state="${esc(state)}" data-location="${esc(e.location)}" data-account="${esc(e.accountId)}" data-resource-id="${esc(e.resourceId)}">
<div class="tl-label"><span class="tl-name" title="${esc(e.resourceId)}">${esc(e.name || e.resourceId)}</span>${where}<br><span class="tl-product">${esc(e.product)}</span><br><span class="muted tl-where">${esc(inventoryLabels[e.resourceType] ?? e.resourceType)} · ${esc(e.accountId)} · ${esc(e.region)}</span></div>
<div class="tl-track" style="--years:${years}">${bars}${nowMark}</div>
<div class="tl-dates"><span class="state state-${esc(state)}">${esc(stateText[state])}</span><br>${dateText}</div>
</li>`;
  });
  const counts = (s: LifecycleState) => entries.filter((e) => lifecycleState(e) === s).length;
  const accesses = new Set(entries.flatMap((e) => (e.extendedAccess ? [e.extendedAccess] : [])));
  const extendedKey = accesses.size === 1 ? `extended (${[...accesses][0]}) support` : 'extended support';
  const legend = `<p class="legend"><span class="key standard"></span> standard support <span class="key extended"></span> ${esc(extendedKey)} <span class="key past-standard"></span> past standard <span class="key overdue"></span> past end of life <span class="key now-key"></span> scan time ${esc(report.finishedAt.slice(0, 10))}</p>`;
  return `<section id="timeline">
${heading}
<p class="note">${esc(plural(entries.length, 'host or cluster', 'hosts and clusters'))}: ${counts('ended')} past end of life, ${counts('extended')} in extended support only, ${counts('soon')} ending within ${report.lifecycleWarningDays ?? defaultRuleSettings.warningDays} days, ${counts('supported')} supported. Sorted by end of standard support.</p>
${legend}
<div class="tl-axis"><div></div><div class="tl-track axis" style="--years:${years}">${axis}${nowMark}</div><div></div></div>
<ol class="timeline-list">
${items.join('\n')}
</ol>
</section>`;
}

// ---------------------------------------------------------------- inventory

const isOnPremises = (row: InventoryRow) => row.location === 'on-premises' || row.location === 'connected';

function renderInventory(report: ScanReport): string {
  const heading = '<h2>Inventory</h2>';
  if (!report.inventory.length) {
    return `<section id="inventory">${heading}<p class="note">No resources were inventoried.</p></section>`;
  }
  const known = Object.keys(inventoryLabels);
  const types = [...new Set(report.inventory.map((r) => r.resourceType as string))].sort(
    (a, b) => (known.indexOf(a) + 1 || 99) - (known.indexOf(b) + 1 || 99) || a.localeCompare(b),
  );
  const places = [...new Set(report.inventory.map((r) => `${r.accountId}\u0000${r.region}`))].sort();
  const rows = places.map((place): Cell[] => {
    const [account = '', region = ''] = place.split('\u0000');
    const mine = report.inventory.filter((r) => r.accountId === account && r.region === region);
    return [
      account,
      region,
      ...types.map((type): Cell => {
        const ofType = mine.filter((r) => r.resourceType === type);
        const hybrid = ofType.filter(isOnPremises).length;
        if (!ofType.length) return '';
        return hybrid
          ? raw(`${ofType.length} <span class="muted">(${hybrid} on-prem)</span>`)
          : ofType.length;
      }),
      mine.length,
    ];
  });
  const onPrem = report.inventory.filter(isOnPremises).length;
  return `<section id="inventory">
${heading}
<p class="note">${esc(plural(report.inventory.length, 'resource'))} in ${esc(plural(places.length, 'account and region', 'accounts and regions'))}${onPrem ? `, ${onPrem} of them on premises or in connected clusters` : ''}.</p>
${htmlTable(['account', 'region', ...types.map((t) => ({ text: inventoryLabels[t] ?? t, numeric: true })), { text: 'total', numeric: true }], rows)}
${renderPlacement(report.inventory)}
</section>`;
}

/** What runs on each kind of capacity: the estate's totals, then each account and region's. */
function renderPlacement(inventory: readonly InventoryRow[]): string {
  const summary = placementSummary(inventory);
  if (!summary.estate.length) return '';
  const counts = placementCountNames.map((name) => ({ text: placementCountLabels[name], numeric: true }));
  const row = (r: (typeof summary.targets)[number]): Cell[] => [
    r.accountId ?? 'estate',
    r.region ?? 'all',
    raw(`<span class="badge loc-${esc(r.where)}">${esc(r.where)}</span>`),
    ...placementCountNames.map((name): Cell => r[name] || ''),
  ];
  return `<h3>Where it runs</h3>
${htmlTable(['account', 'region', 'where', ...counts], [...summary.estate, ...summary.targets].map(row), ' class="placement"')}`;
}

// ---------------------------------------------------------------- findings

function renderTags(tags: Record<string, string>): string {
  const entries = Object.entries(tags);
  if (!entries.length) return '';
  return `<h4>Tags</h4><p class="tags">${entries.map(([k, v]) => `<span class="tag">${esc(k)}=${esc(v)}</span>`).join(' ')}</p>`;
}

function renderFindingRow(f: Finding, report: ScanReport): string {
  const rule = ruleOf(report, f.ruleId);
  const controls = complianceRequirements(rule?.references);
  const docs = ruleDocumentationUrl(rule);
  const name = accountName(report, f.accountId);
  const suppression = f.suppression
    ? `<p><strong>Suppressed</strong> by ${esc(f.suppression.owner)} until ${esc(f.suppression.expiresAt)}: ${esc(f.suppression.reason)}</p>`
    : '';
  const seen = `first seen ${esc(f.firstSeen)} · last seen ${esc(f.lastSeen)}${f.resolvedAt ? ` · resolved ${esc(f.resolvedAt)}` : ''}`;
  return `<tr data-severity="${esc(f.severity)}" data-account="${esc(f.accountId)}" data-status="${esc(f.status)}" data-rule="${esc(f.ruleId)}" data-finding-id="${esc(f.findingId)}">
<td>${cell(severityBadge(f.severity))}</td><td><span class="status status-${esc(f.status)}">${esc(f.status)}</span></td><td${name === f.accountId ? '' : ` title="${esc(f.accountId)}"`}>${esc(name)}</td><td>${esc(f.region)}</td><td><code>${esc(f.ruleId)}</code></td><td class="resource" title="${esc(f.resourceArn ?? f.resourceId)}">${esc(f.resourceId)}</td>
<td class="detail"><details><summary>${esc(f.message)}</summary>
<div class="more">${suppression}<h4>Evidence</h4><pre>${esc(JSON.stringify(f.evidence, null, 2))}</pre>${renderTags(resourceTags(report, f))}
<h4>Remediation</h4><p class="remediation">${esc(f.remediation)}</p>${docs ? `<p class="muted">Documentation (copy it into a browser; the report links nowhere): ${esc(docs)}</p>` : ''}${controls.length ? `<p class="muted">Controls: ${controls.map((c) => esc(c)).join(' · ')}</p>` : ''}
<p class="muted">${f.resourceArn ? `${esc(f.resourceArn)} · ` : ''}${seen} · id ${esc(f.findingId)}</p></div>
</details></td></tr>`;
}

function options(
  values: readonly string[],
  allLabel: string,
  label: (v: string) => string = (v) => v,
): string {
  return [
    `<option value="">${esc(allLabel)}</option>`,
    ...values.map((v) => `<option value="${esc(v)}">${esc(label(v))}</option>`),
  ].join('');
}

function renderFindings(report: ScanReport): string {
  const heading = '<h2>Findings</h2>';
  if (!report.findings.length) {
    return `<section id="findings">${heading}<p class="empty">No findings in ${esc(plural(report.targets.length, 'target'))}.</p></section>`;
  }
  const sorted = [...report.findings].sort(compareFindings);
  const present = severities.filter((s) => sorted.some((f) => f.severity === s));
  const accounts = [...new Set(sorted.map((f) => f.accountId))].sort();
  const statuses = (['open', 'suppressed', 'resolved'] as const).filter((s) =>
    sorted.some((f) => f.status === s),
  );
  return `<section id="findings">
${heading}
<div class="filters">
<label>Severity <select id="filter-severity">${options(present, 'all severities')}</select></label>
<label>Account <select id="filter-account">${options(accounts, 'all accounts', (a) => (accountName(report, a) === a ? a : `${accountName(report, a)} (${a})`))}</select></label>
<label>Status <select id="filter-status">${options(statuses, 'all statuses')}</select></label>
<label class="search">Search <input type="search" id="filter-text" placeholder="resource, rule, message, tag, evidence…" autocomplete="off" spellcheck="false"></label>
<span class="shown"><span id="shown-count">${sorted.length}</span> of ${sorted.length} findings shown</span>
</div>
<div class="scroll"><table class="findings-table"><thead><tr>${['severity', 'status', 'account', 'region', 'rule', 'resource', 'message (click for evidence and remediation)'].map((h) => sortableHeader(h)).join('')}</tr></thead>
<tbody>
${sorted.map((f) => renderFindingRow(f, report)).join('\n')}
</tbody></table></div>
<p id="no-match" class="empty" hidden>No findings match these filters.</p>
</section>`;
}

// ---------------------------------------------------------------- coverage

function renderCoverage(report: ScanReport): string {
  const incomplete = report.targets.filter((t) => t.status !== 'ok');
  const parts = ['<section id="coverage">', '<h2>Coverage</h2>'];
  if (!incomplete.length && !report.errors.length && !report.skippedRules.length) {
    parts.push(
      `<p class="note">All ${esc(plural(report.targets.length, 'target'))} were scanned completely.</p>`,
    );
  }
  if (incomplete.length) {
    parts.push(
      `<h3>Incomplete targets (${incomplete.length} of ${report.targets.length})</h3>`,
      htmlTable(
        [
          'account',
          'region',
          'status',
          { text: 'errors', numeric: true },
          { text: 'findings', numeric: true },
        ],
        incomplete.map((t) => [
          t.accountId,
          t.region,
          raw(`<span class="state state-${esc(t.status)}">${esc(t.status)}</span>`),
          t.errors,
          t.findings,
        ]),
        ' id="incomplete-targets" class="compact"',
      ),
    );
  }
  if (report.errors.length) {
    parts.push(
      `<h3>Collection errors (${report.errors.length})</h3>`,
      htmlTable(
        ['account', 'region', 'source', 'operation', 'code', { text: 'message', wrap: true }],
        report.errors.map((e) => [
          e.accountId,
          e.region,
          e.source,
          e.operation,
          e.code,
          e.resourceId ? `${e.message} (${e.resourceId})` : e.message,
        ]),
        ' id="errors" class="compact"',
      ),
    );
  }
  if (report.skippedRules.length) {
    parts.push(
      `<h3>Rules not evaluated (${report.skippedRules.length})</h3>`,
      htmlTable(
        ['account', 'region', 'rule', 'reason', { text: 'message', wrap: true }],
        report.skippedRules.map((s) => [
          s.accountId,
          s.region,
          raw(`<code>${esc(s.ruleId)}</code>`),
          s.reason,
          s.message,
        ]),
        ' id="skipped-rules" class="compact"',
      ),
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}

// ---------------------------------------------------------------- page

const script = `(() => {
  const severity = document.getElementById('filter-severity');
  const account = document.getElementById('filter-account');
  const status = document.getElementById('filter-status');
  const search = document.getElementById('filter-text');
  const shown = document.getElementById('shown-count');
  const noMatch = document.getElementById('no-match');
  const rows = Array.from(document.querySelectorAll('#findings tbody tr[data-severity]'));
  // Everything a row says, its evidence and remediation too, for the search box.
  const texts = new Map(rows.map((row) => [row, row.textContent.toLowerCase()]));
  function apply() {
    const terms = search ? search.value.toLowerCase().split(/\\s+/).filter(Boolean) : [];
    let count = 0;
    for (const row of rows) {
      const text = texts.get(row);
      const visible =
        (!severity || !severity.value || row.dataset.severity === severity.value) &&
        (!account || !account.value || row.dataset.account === account.value) &&
        (!status || !status.value || row.dataset.status === status.value) &&
        terms.every((term) => text.includes(term));
      row.hidden = !visible;
      if (visible) count += 1;
    }
    if (shown) shown.textContent = String(count);
    if (noMatch) noMatch.hidden = count !== 0;
  }
  for (const select of [severity, account, status]) if (select) select.addEventListener('change', apply);
  if (search) search.addEventListener('input', apply);
  for (const card of document.querySelectorAll('#summary button[data-severity]')) {
    card.addEventListener('click', () => {
      if (!severity) return;
      const wanted = card.getAttribute('data-severity');
      severity.value = Array.from(severity.options).some((o) => o.value === wanted) ? wanted : '';
      apply();
      document.getElementById('findings').scrollIntoView({ behavior: 'smooth' });
    });
  }

  // Sortable columns: a severity sorts by rank, a number as a number, the rest as text.
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  function sortKey(cell, numeric) {
    if (!cell) return '';
    const rank = cell.querySelector('[data-rank]');
    if (rank) return Number(rank.getAttribute('data-rank'));
    const text = (cell.querySelector('summary') || cell).textContent.trim();
    if (!numeric) return text;
    const number = parseFloat(text);
    return Number.isNaN(number) ? 0 : number;
  }
  for (const button of document.querySelectorAll('th > button.sort')) {
    const th = button.parentElement;
    const table = th.closest('table');
    const body = table.tBodies[0];
    const original = Array.from(body.rows);
    button.addEventListener('click', () => {
      const descending = th.getAttribute('aria-sort') === 'ascending';
      for (const other of table.querySelectorAll('th[aria-sort]')) other.setAttribute('aria-sort', 'none');
      th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      const column = th.cellIndex;
      const numeric = th.classList.contains('num');
      const keyed = Array.from(body.rows).map((row) => ({
        row,
        key: sortKey(row.cells[column], numeric),
        index: original.indexOf(row),
      }));
      keyed.sort((a, b) => {
        const order =
          typeof a.key === 'number' && typeof b.key === 'number'
            ? a.key - b.key
            : collator.compare(String(a.key), String(b.key));
        return (descending ? -order : order) || a.index - b.index;
      });
      for (const { row } of keyed) body.appendChild(row);
    });
  }

  // Printing shows every finding's evidence and remediation: open them all, close them after.
  let opened = [];
  addEventListener('beforeprint', () => {
    opened = Array.from(document.querySelectorAll('details:not([open])'));
    for (const details of opened) details.open = true;
  });
  addEventListener('afterprint', () => {
    for (const details of opened) details.open = false;
    opened = [];
  });
  apply();
})();`;

const scriptHash = createHash('sha256').update(script).digest('base64');

/**
 * One stylesheet for every screen and for paper: a phone at 390 px (cards side by side or stacked,
 * the timeline as a list, wide tables scrolling inside their own box), a desktop, dark mode from
 * `prefers-color-scheme`, and print (no controls, every finding's evidence and remediation shown,
 * colours kept).
 */
const css = `
:root { color-scheme: light dark;
  --fg:#1f2328; --muted:#656d76; --line:#d0d7de; --line-soft:#eaeef2; --bg:#fff; --panel:#f6f8fa; --row-muted:#fafbfc;
  --header-bg:#24292f; --header-fg:#fff; --header-muted:#b5bcc4;
  --critical:#8b0000; --high:#d1242f; --medium:#bc4c00; --low:#0969da; --info:#57606a;
  --critical-text:#8b0000; --high-text:#d1242f; --medium-text:#bc4c00; --low-text:#0969da; --info-text:#57606a;
  --standard:#2da44e; --extended:#d4a72c; --past:#e8a3a3; --overdue:#cf222e; --overdue-dark:#a40e26; --now:#24292f;
  --warn-bg:#fff8c5; --warn-line:#d4a72c; --partial:#9a6700;
  --badge-bg:#ddf4ff; --badge-fg:#0550ae; --badge-line:#54aeff;
  --hybrid-bg:#fbefff; --hybrid-fg:#8250df; --hybrid-line:#c297ff;
  --fargate-bg:#fff8c5; --fargate-fg:#7d4e00; --fargate-line:#d4a72c;
  --edge-bg:#dafbe1; --edge-fg:#116329; --edge-line:#4ac26b; }
@media (prefers-color-scheme: dark) {
  :root { --fg:#e6edf3; --muted:#9198a1; --line:#3d444d; --line-soft:#262c34; --bg:#0d1117; --panel:#161b22; --row-muted:#12161c;
    --header-bg:#010409; --header-fg:#e6edf3; --header-muted:#9198a1;
    --critical:#b62324; --high:#da3633; --medium:#bd561d; --low:#1f6feb; --info:#6e7681;
    --critical-text:#ff7b72; --high-text:#ffa198; --medium-text:#f0883e; --low-text:#79c0ff; --info-text:#9198a1;
    --standard:#3fb950; --extended:#d29922; --past:#8e4a4a; --overdue:#f85149; --overdue-dark:#b62324; --now:#e6edf3;
    --warn-bg:#2e2605; --warn-line:#9e6a03; --partial:#d29922;
    --badge-bg:#0c2d6b; --badge-fg:#79c0ff; --badge-line:#1f6feb;
    --hybrid-bg:#271052; --hybrid-fg:#d2a8ff; --hybrid-line:#8957e5;
    --fargate-bg:#2e2605; --fargate-fg:#e3b341; --fargate-line:#9e6a03;
    --edge-bg:#04260f; --edge-fg:#7ee787; --edge-line:#2ea043; }
}
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; color:var(--fg); background:var(--bg); overflow-wrap:anywhere; }
header { background:var(--header-bg); color:var(--header-fg); padding:16px 28px; }
header h1 { margin:0 0 8px; font-size:20px; }
.facts { display:flex; flex-wrap:wrap; gap:4px 28px; margin:0; }
.facts div { display:flex; flex-wrap:wrap; gap:0 6px; } .facts dt { color:var(--header-muted); } .facts dd { margin:0; font-variant-numeric:tabular-nums; }
main { padding:8px 28px 40px; max-width:1500px; }
section { margin-top:28px; }
h2 { font-size:17px; border-bottom:1px solid var(--line); padding-bottom:4px; margin:0 0 10px; }
h3 { font-size:15px; margin:16px 0 6px; } h4 { margin:8px 0 4px; font-size:13px; }
table { border-collapse:collapse; width:100%; overflow-wrap:normal; }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); vertical-align:top; white-space:nowrap; }
td.wrap { white-space:normal; min-width:14em; }
th { background:var(--panel); font-weight:600; white-space:nowrap; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
th > button.sort { all:unset; cursor:pointer; display:inline-flex; align-items:center; gap:4px; }
th > button.sort:focus-visible { outline:2px solid var(--low); outline-offset:2px; }
th > button.sort::after { content:"↕"; color:var(--muted); font-size:11px; opacity:.6; }
th[aria-sort="ascending"] > button.sort::after { content:"▲"; opacity:1; }
th[aria-sort="descending"] > button.sort::after { content:"▼"; opacity:1; }
code { font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; }
pre { font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; background:var(--panel); padding:8px; border-radius:6px; overflow:auto; max-height:320px; max-width:100%; margin:0; }
.muted { color:var(--muted); } .note { color:var(--muted); margin:6px 0; }
.warn { background:var(--warn-bg); border:1px solid var(--warn-line); border-radius:6px; padding:6px 10px; }
.empty { font-size:15px; padding:12px; background:var(--panel); border-radius:6px; }
.cards { display:grid; grid-template-columns:repeat(auto-fill, minmax(140px, 1fr)); gap:12px; margin-bottom:8px; max-width:900px; }
.card { font:inherit; color:inherit; cursor:pointer; padding:10px 16px; border:1px solid var(--line); border-left:6px solid; border-radius:8px; background:var(--bg); text-align:left; display:flex; flex-direction:column; }
.card:hover { background:var(--panel); }
.card .count { font-size:28px; font-weight:700; line-height:1.1; font-variant-numeric:tabular-nums; }
.card .label { text-transform:uppercase; font-size:12px; font-weight:600; letter-spacing:.04em; }
.card .extra { font-size:12px; color:var(--muted); }
${severities.map((s) => `.sev-card-${s} { border-left-color:var(--${s}); } .sev-card-${s} .count { color:var(--${s}-text); } .sev-${s} { background:var(--${s}); }`).join('\n')}
.sev { color:#fff; border-radius:10px; padding:1px 8px; font-size:12px; font-weight:600; text-transform:uppercase; white-space:nowrap; }
.status { font-size:12px; white-space:nowrap; } .status-suppressed, .status-resolved { color:var(--muted); font-style:italic; }
.badge { display:inline-block; margin-left:6px; font-size:11px; padding:0 6px; border-radius:8px; background:var(--badge-bg); color:var(--badge-fg); border:1px solid var(--badge-line); }
.loc-on-premises, .loc-connected { background:var(--hybrid-bg); color:var(--hybrid-fg); border-color:var(--hybrid-line); }
.loc-fargate { background:var(--fargate-bg); color:var(--fargate-fg); border-color:var(--fargate-line); }
.loc-outpost, .loc-local-zone, .loc-wavelength { background:var(--edge-bg); color:var(--edge-fg); border-color:var(--edge-line); } .placement .badge { margin-left:0; }
.state { font-weight:600; font-size:12px; }
.state-ended, .state-failed { color:var(--overdue); } .state-extended, .state-partial { color:var(--partial); } .state-soon { color:var(--low-text); } .state-supported { color:var(--standard); }
.legend { display:flex; flex-wrap:wrap; gap:4px 10px; align-items:center; font-size:12px; color:var(--muted); }
.key { display:inline-block; width:18px; height:10px; border-radius:2px; vertical-align:middle; }
.key.standard, .seg.standard { background:var(--standard); } .key.extended, .seg.extended { background:var(--extended); }
.key.past-standard, .seg.past-standard { background:var(--past); }
.key.overdue, .seg.overdue { background:repeating-linear-gradient(135deg, var(--overdue) 0 6px, var(--overdue-dark) 6px 12px); }
.key.now-key { width:2px; height:14px; background:var(--now); }
.timeline-list { list-style:none; margin:0; padding:0; }
.timeline-item, .tl-axis { display:grid; grid-template-columns:minmax(170px,300px) minmax(240px,1fr) minmax(170px,300px); gap:12px; align-items:center; padding:5px 0; border-bottom:1px solid var(--line-soft); }
.timeline-item[data-state="ended"] .tl-label { border-left:4px solid var(--overdue); padding-left:6px; }
.timeline-item[data-state="extended"] .tl-label { border-left:4px solid var(--extended); padding-left:6px; }
.tl-label, .tl-dates { font-size:12px; min-width:0; } .tl-name { font-weight:600; font-size:13px; }
.tl-track { position:relative; height:18px; background-image:linear-gradient(to right, var(--line) 1px, transparent 1px); background-size:calc(100% / var(--years)) 100%; background-color:var(--row-muted); border-radius:3px; }
.tl-track.axis { height:18px; background-color:transparent; container-type:inline-size; }
.seg { position:absolute; top:3px; height:12px; border-radius:2px; }
/* A host that lost support yesterday must still show a visible overdue mark. */
.seg.overdue { min-width:4px; }
.now { position:absolute; top:-3px; bottom:-3px; width:2px; margin-left:-1px; background:var(--now); }
.year { position:absolute; top:0; padding-left:3px; font-size:11px; color:var(--muted); white-space:nowrap; }
/* Year labels take turns when the axis is too narrow for all of them. */
@container (max-width: 560px) { .year:nth-child(even) { visibility:hidden; } }
@container (max-width: 280px) { .year:not(:nth-child(4n+1)) { visibility:hidden; } }
.filters { display:flex; flex-wrap:wrap; gap:8px 16px; align-items:center; margin-bottom:8px; }
.filters select, .filters input { font:inherit; color:inherit; background:var(--bg); border:1px solid var(--line); border-radius:6px; padding:3px 6px; margin-left:4px; }
.filters .search { display:flex; align-items:center; flex:1 1 240px; } .filters .search input { flex:1; min-width:0; }
.shown { color:var(--muted); margin-left:auto; } #shown-count { font-weight:700; color:var(--fg); }
.scroll { overflow-x:auto; max-width:100%; }
.findings-table td.resource { font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; white-space:normal; word-break:break-all; min-width:14em; max-width:24em; }
.findings-table tr[data-status="suppressed"] > td, .findings-table tr[data-status="resolved"] > td { background:var(--row-muted); color:var(--muted); }
.findings-table td.detail { white-space:normal; min-width:20em; }
table.compact { width:auto; min-width:50%; }
details summary { cursor:pointer; } details[open] summary { font-weight:600; }
.tag { display:inline-block; font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; background:var(--panel); border:1px solid var(--line); border-radius:4px; padding:0 4px; margin:0 2px 2px 0; }
.more { padding:6px 0 4px; } .remediation { white-space:pre-wrap; margin:0; }
tr[hidden], .findings-table tr[hidden] { display:none; }
/* A phone: less padding, the timeline as a list of hosts with their dates (no bars to squeeze). */
@media (max-width: 720px) {
  header { padding:12px 14px; } main { padding:4px 14px 32px; }
  .facts { gap:2px 16px; }
  .timeline-item { grid-template-columns:minmax(0,1fr); gap:2px; padding:8px 0; }
  .tl-axis, .timeline-item .tl-track, #timeline .legend { display:none; }
  .shown { margin-left:0; }
  /* Findings as cards: a line of badges and places, the rule, the resource, the message. */
  .findings-table, .findings-table tbody, .findings-table tr, .findings-table td { display:block; }
  .findings-table thead tr { display:flex; flex-wrap:wrap; gap:4px 12px; padding:4px 0; }
  .findings-table thead th { border:0; padding:2px 6px; border-radius:4px; }
  .findings-table tbody tr { border:1px solid var(--line); border-radius:8px; margin:8px 0; padding:6px 10px; }
  .findings-table td, .findings-table td.resource, .findings-table td.detail { border:0; padding:1px 0; white-space:normal; min-width:0; max-width:none; }
  .findings-table td:nth-child(-n+4) { display:inline-block; margin-right:10px; }
}
@media print {
  :root { color-scheme: light; --fg:#000; --muted:#444; --bg:#fff; --panel:#f3f3f3; --row-muted:#fff; --line:#bbb; }
  * { -webkit-print-color-adjust:exact; print-color-adjust:exact; }
  body { font-size:11px; }
  header { background:none; color:#000; padding:0 0 8px; border-bottom:2px solid #000; } .facts dt { color:#444; }
  main { padding:0; max-width:none; }
  .filters, #no-match, th > button.sort::after { display:none; }
  .card { break-inside:avoid; cursor:auto; }
  .scroll { overflow:visible; }
  /* Paper does not scroll: every cell may wrap, so tables fit the page's width. */
  table { font-size:9px; } th, td { white-space:normal; padding:3px 4px; } tr, li { break-inside:avoid; }
  td.wrap { min-width:0; } code, pre, .findings-table td.resource, .tag { font-size:9px; } h4 { font-size:10px; }
  .findings-table td, .findings-table td.resource, .findings-table td.detail { white-space:normal; min-width:0; max-width:none; }
  pre { max-height:none; overflow:visible; white-space:pre-wrap; }
  /* Evidence and remediation are what a printed report is for: every finding's, expanded. */
  details > summary { list-style:none; font-weight:600; }
  details::details-content { content-visibility:visible; display:block; }
  details:not([open]) > .more { display:block; }
}
`;

export function renderHtml(report: ScanReport): string {
  // A constant (no report data in it), so it needs no escaping.
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="generator" content="${esc(`${report.generator.name} ${report.generator.version}`)}">
<title>estatescan report ${esc(report.runId)}</title>
<style>${css}</style>
</head>
<body>
${renderHeader(report)}
<main>
${renderSummary(report)}
${renderByAccount(report)}
${renderByRule(report)}
${renderTimeline(report)}
${renderInventory(report)}
${renderFindings(report)}
${renderCoverage(report)}
</main>
<script>${script}</script>
</body>
</html>
`;
}
