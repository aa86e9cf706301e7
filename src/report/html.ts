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
import { type Finding, type Severity, severities, severityRank } from '../findings/types.ts';
import type { InventoryRow } from '../inventory/rows.ts';
import { plural } from '../text/plural.ts';
import { visible } from '../text/sanitize.ts';
import { compareFindings, countByStatus } from './table.ts';
import type { LifecycleEntry, ScanReport } from './types.ts';

const dayMs = 86_400_000;
/** Entries whose standard support ends within this many days are flagged "ends soon". */
const soonDays = 90;

/** Short labels for resource types, as in `estatescan inventory`. */
const inventoryLabels: Record<string, string> = {
  'ec2.vpcs': 'VPCs',
  'ec2.subnets': 'subnets',
  'ec2.instances': 'EC2',
  'ec2.images': 'AMIs',
  'ec2.securityGroups': 'SGs',
  'ecs.clusters': 'ECS',
  'ecs.containerInstances': 'ECS hosts',
  'eks.clusters': 'EKS',
  'eks.nodegroups': 'nodegroups',
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

function htmlTable(
  headers: readonly (string | { text: string; numeric?: boolean })[],
  rows: readonly Cell[][],
  attrs = '',
): string {
  const numeric = headers.map((h) => typeof h === 'object' && h.numeric);
  const th = headers
    .map((h, i) => `<th${numeric[i] ? ' class="num"' : ''}>${esc(typeof h === 'object' ? h.text : h)}</th>`)
    .join('');
  const body = rows
    .map(
      (r) => `<tr>${r.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${cell(c)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table${attrs}><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const severityBadge = (s: Severity) => raw(`<span class="sev sev-${esc(s)}">${esc(s)}</span>`);

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
    return [
      account,
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
  const rows = stats.map(({ rule, mine, open, worst }): Cell[] => [
    raw(`<code>${esc(rule.id)}</code>`),
    rule.title,
    worst ? severityBadge(worst) : raw('<span class="muted">none open</span>'),
    open.length,
    countByStatus(mine).suppressed || '',
    new Set(open.map((f) => f.accountId)).size || '',
  ]);
  return `<section id="by-rule">
<h2>Findings by rule</h2>
${htmlTable(
  [
    'rule',
    'title',
    'worst open',
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

function lifecycleState(entry: LifecycleEntry, now: number): LifecycleState {
  const standard = Date.parse(entry.endOfStandard);
  const end = Date.parse(entry.endOfExtended ?? entry.endOfStandard);
  if (end < now) return 'ended';
  if (standard < now) return 'extended';
  return standard - now <= soonDays * dayMs ? 'soon' : 'supported';
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
    const state = lifecycleState(e, now);
    const daysToStandard = Math.round((standard - now) / dayMs);
    const daysToEnd = Math.round((end - now) / dayMs);
    const bars = [
      segment('standard', now, standard, `standard support until ${e.endOfStandard}`),
      extended
        ? segment('extended', Math.max(now, standard), extended, `extended support until ${e.endOfExtended}`)
        : '',
      extended && standard < now
        ? segment(
            'past-standard',
            standard,
            Math.min(extended, now),
            `out of standard support since ${e.endOfStandard}`,
          )
        : '',
      end < now ? segment('overdue', end, now, `no support since ${e.endOfExtended ?? e.endOfStandard}`) : '',
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
  const counts = (s: LifecycleState) => entries.filter((e) => lifecycleState(e, now) === s).length;
  const legend = `<p class="legend"><span class="key standard"></span> standard support <span class="key extended"></span> extended (paid) support <span class="key past-standard"></span> past standard <span class="key overdue"></span> past end of life <span class="key now-key"></span> scan time ${esc(report.finishedAt.slice(0, 10))}</p>`;
  return `<section id="timeline">
${heading}
<p class="note">${esc(plural(entries.length, 'host or cluster', 'hosts and clusters'))}: ${counts('ended')} past end of life, ${counts('extended')} in extended support only, ${counts('soon')} ending within ${soonDays} days, ${counts('supported')} supported. Sorted by end of standard support.</p>
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
</section>`;
}

// ---------------------------------------------------------------- findings

function renderFindingRow(f: Finding): string {
  const suppression = f.suppression
    ? `<p><strong>Suppressed</strong> by ${esc(f.suppression.owner)} until ${esc(f.suppression.expiresAt)}: ${esc(f.suppression.reason)}</p>`
    : '';
  const seen = `first seen ${esc(f.firstSeen)} · last seen ${esc(f.lastSeen)}${f.resolvedAt ? ` · resolved ${esc(f.resolvedAt)}` : ''}`;
  return `<tr data-severity="${esc(f.severity)}" data-account="${esc(f.accountId)}" data-status="${esc(f.status)}" data-rule="${esc(f.ruleId)}" data-finding-id="${esc(f.findingId)}">
<td>${cell(severityBadge(f.severity))}</td><td><span class="status status-${esc(f.status)}">${esc(f.status)}</span></td><td>${esc(f.accountId)}</td><td>${esc(f.region)}</td><td><code>${esc(f.ruleId)}</code></td><td class="resource" title="${esc(f.resourceArn ?? f.resourceId)}">${esc(f.resourceId)}</td>
<td class="detail"><details><summary>${esc(f.message)}</summary>
<div class="more">${suppression}<h4>Evidence</h4><pre>${esc(JSON.stringify(f.evidence, null, 2))}</pre>
<h4>Remediation</h4><p class="remediation">${esc(f.remediation)}</p>
<p class="muted">${f.resourceArn ? `${esc(f.resourceArn)} · ` : ''}${seen} · id ${esc(f.findingId)}</p></div>
</details></td></tr>`;
}

function options(values: readonly string[], allLabel: string): string {
  return [
    `<option value="">${esc(allLabel)}</option>`,
    ...values.map((v) => `<option value="${esc(v)}">${esc(v)}</option>`),
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
<label>Account <select id="filter-account">${options(accounts, 'all accounts')}</select></label>
<label>Status <select id="filter-status">${options(statuses, 'all statuses')}</select></label>
<span class="shown"><span id="shown-count">${sorted.length}</span> of ${sorted.length} findings shown</span>
</div>
<div class="scroll"><table class="findings-table"><thead><tr><th>severity</th><th>status</th><th>account</th><th>region</th><th>rule</th><th>resource</th><th>message (click for evidence and remediation)</th></tr></thead>
<tbody>
${sorted.map(renderFindingRow).join('\n')}
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
        ['account', 'region', 'source', 'operation', 'code', 'message'],
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
        ['account', 'region', 'rule', 'reason', 'message'],
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
  const shown = document.getElementById('shown-count');
  const noMatch = document.getElementById('no-match');
  const rows = Array.from(document.querySelectorAll('#findings tbody tr[data-severity]'));
  function apply() {
    let count = 0;
    for (const row of rows) {
      const visible =
        (!severity || !severity.value || row.dataset.severity === severity.value) &&
        (!account || !account.value || row.dataset.account === account.value) &&
        (!status || !status.value || row.dataset.status === status.value);
      row.hidden = !visible;
      if (visible) count += 1;
    }
    if (shown) shown.textContent = String(count);
    if (noMatch) noMatch.hidden = count !== 0;
  }
  for (const select of [severity, account, status]) if (select) select.addEventListener('change', apply);
  for (const card of document.querySelectorAll('#summary button[data-severity]')) {
    card.addEventListener('click', () => {
      if (!severity) return;
      const wanted = card.getAttribute('data-severity');
      severity.value = Array.from(severity.options).some((o) => o.value === wanted) ? wanted : '';
      apply();
      document.getElementById('findings').scrollIntoView({ behavior: 'smooth' });
    });
  }
  apply();
})();`;

const scriptHash = createHash('sha256').update(script).digest('base64');

const css = `
:root { --fg:#1f2328; --muted:#656d76; --line:#d0d7de; --bg:#fff; --panel:#f6f8fa;
  --critical:#8b0000; --high:#d1242f; --medium:#bc4c00; --low:#0969da; --info:#57606a;
  --standard:#2da44e; --extended:#d4a72c; --past:#e8a3a3; --overdue:#cf222e; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif; color:var(--fg); background:var(--bg); }
header { background:#24292f; color:#fff; padding:16px 28px; }
header h1 { margin:0 0 8px; font-size:20px; }
.facts { display:flex; flex-wrap:wrap; gap:4px 28px; margin:0; }
.facts div { display:flex; gap:6px; } .facts dt { color:#b5bcc4; } .facts dd { margin:0; font-variant-numeric:tabular-nums; }
main { padding:8px 28px 40px; max-width:1500px; }
section { margin-top:28px; }
h2 { font-size:17px; border-bottom:1px solid var(--line); padding-bottom:4px; margin:0 0 10px; }
h3 { font-size:15px; margin:16px 0 6px; } h4 { margin:8px 0 4px; font-size:13px; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:5px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:var(--panel); font-weight:600; white-space:nowrap; }
td.num, th.num { text-align:right; font-variant-numeric:tabular-nums; }
code { font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; }
pre { font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; background:var(--panel); padding:8px; border-radius:6px; overflow:auto; max-height:320px; margin:0; }
.muted { color:var(--muted); } .note { color:var(--muted); margin:6px 0; }
.warn { background:#fff8c5; border:1px solid #d4a72c; border-radius:6px; padding:6px 10px; }
.empty { font-size:15px; padding:12px; background:var(--panel); border-radius:6px; }
.cards { display:flex; flex-wrap:wrap; gap:12px; margin-bottom:8px; }
.card { font:inherit; cursor:pointer; min-width:130px; padding:10px 16px; border:1px solid var(--line); border-left:6px solid; border-radius:8px; background:#fff; text-align:left; display:flex; flex-direction:column; }
.card:hover { background:var(--panel); }
.card .count { font-size:28px; font-weight:700; line-height:1.1; font-variant-numeric:tabular-nums; }
.card .label { text-transform:uppercase; font-size:12px; font-weight:600; letter-spacing:.04em; }
.card .extra { font-size:12px; color:var(--muted); }
${severities.map((s) => `.sev-card-${s} { border-left-color:var(--${s}); } .sev-card-${s} .count { color:var(--${s}); } .sev-${s} { background:var(--${s}); }`).join('\n')}
.sev { color:#fff; border-radius:10px; padding:1px 8px; font-size:12px; font-weight:600; text-transform:uppercase; white-space:nowrap; }
.status { font-size:12px; white-space:nowrap; } .status-suppressed, .status-resolved { color:var(--muted); font-style:italic; }
.badge { display:inline-block; margin-left:6px; font-size:11px; padding:0 6px; border-radius:8px; background:#ddf4ff; color:#0550ae; border:1px solid #54aeff; }
.loc-on-premises { background:#fbefff; color:#8250df; border-color:#c297ff; }
.state { font-weight:600; font-size:12px; }
.state-ended, .state-failed { color:var(--overdue); } .state-extended, .state-partial { color:#9a6700; } .state-soon { color:var(--low); } .state-supported { color:var(--standard); }
.legend { display:flex; flex-wrap:wrap; gap:4px 10px; align-items:center; font-size:12px; color:var(--muted); }
.key { display:inline-block; width:18px; height:10px; border-radius:2px; vertical-align:middle; }
.key.standard, .seg.standard { background:var(--standard); } .key.extended, .seg.extended { background:var(--extended); }
.key.past-standard, .seg.past-standard { background:var(--past); }
.key.overdue, .seg.overdue { background:repeating-linear-gradient(135deg, var(--overdue) 0 6px, #a40e26 6px 12px); }
.key.now-key { width:2px; height:14px; background:#24292f; }
.timeline-list { list-style:none; margin:0; padding:0; }
.timeline-item, .tl-axis { display:grid; grid-template-columns:minmax(220px,300px) 1fr minmax(220px,300px); gap:12px; align-items:center; padding:5px 0; border-bottom:1px solid #eaeef2; }
.timeline-item[data-state="ended"] .tl-label { border-left:4px solid var(--overdue); padding-left:6px; }
.timeline-item[data-state="extended"] .tl-label { border-left:4px solid var(--extended); padding-left:6px; }
.tl-label, .tl-dates { font-size:12px; } .tl-where { white-space:nowrap; } .tl-name { font-weight:600; font-size:13px; }
.tl-track { position:relative; height:18px; background-image:linear-gradient(to right, #d8dee4 1px, transparent 1px); background-size:calc(100% / var(--years)) 100%; background-color:#fafbfc; border-radius:3px; }
.tl-track.axis { height:18px; background-color:transparent; }
.seg { position:absolute; top:3px; height:12px; border-radius:2px; }
/* A host that lost support yesterday must still show a visible overdue mark. */
.seg.overdue { min-width:4px; }
.now { position:absolute; top:-3px; bottom:-3px; width:2px; margin-left:-1px; background:#24292f; }
.year { position:absolute; top:0; padding-left:3px; font-size:11px; color:var(--muted); }
.filters { display:flex; flex-wrap:wrap; gap:8px 16px; align-items:center; margin-bottom:8px; }
.filters select { font:inherit; padding:3px 6px; margin-left:4px; }
.shown { color:var(--muted); margin-left:auto; } #shown-count { font-weight:700; color:var(--fg); }
.scroll { overflow-x:auto; }
.findings-table td { white-space:nowrap; }
.findings-table td.resource { font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; white-space:normal; word-break:break-all; min-width:17em; max-width:24em; }
.findings-table tr[data-status="suppressed"] > td, .findings-table tr[data-status="resolved"] > td { background:#fafbfc; color:var(--muted); }
.findings-table td.detail { white-space:normal; min-width:24em; }
table.compact { width:auto; min-width:50%; }
details summary { cursor:pointer; } details[open] summary { font-weight:600; }
.more { padding:6px 0 4px; } .remediation { white-space:pre-wrap; margin:0; }
tr[hidden] { display:none; }
@media print { .filters { display:none; } details { display:block; } }
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
