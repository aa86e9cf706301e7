/**
 * The email text of a view: readable plain text, also SNS's `default` message (SQS, HTTP without a
 * key of their own). Each value is made one line (`oneLine`), so none can start a line of its own
 * (a forged `[2] RESOLVED …`); the whole text then goes through `forEmail`, which shows what is
 * left and defuses links. Each remediation is laid out to copy and paste.
 */
import { plural } from '../text/plural.ts';
import { cut, forEmail, oneLine } from '../text/sanitize.ts';
import type { AlertView, BaselineItem, ChangeItem, TargetItem } from './view.ts';

/** Bounds on one item's free text, so that a single change always fits in a message. */
const textLimits = {
  message: 1_000,
  evidenceValue: 500,
  evidenceFields: 20,
  remediation: 3_000,
  cli: 500,
} as const;

const separator = '-'.repeat(72);

export function renderEmail(view: AlertView): string {
  return forEmail([...intro(view), '', ...emailItems(view), separator, ...footer(view)].join('\n'));
}

/**
 * The text of each item (a change, a region's first scan, a target), as `renderEmail` lays them
 * out: what splitting weighs to decide where a group is cut.
 */
export function emailItems(view: AlertView): string[] {
  const blocks =
    view.kind === 'changes'
      ? view.items.map(changeBlock)
      : view.kind === 'baseline'
        ? view.items.map(baselineBlock)
        : view.items.map((item) => targetBlock(item, view.failing));
  return blocks.map((lines) => forEmail([separator, ...lines, ''].join('\n')));
}

function intro(view: AlertView): string[] {
  const run = `(run ${view.runId}, ${view.time})`;
  switch (view.kind) {
    case 'changes':
      return [
        `estatescan: ${plural(view.part?.of ?? view.items.length, 'change')} in account ${view.accountId} ${run}`,
        view.summary,
        ...partLine(view, 'changes'),
      ];
    case 'baseline':
      return view.newRulesOnly
        ? [
            `estatescan: rules evaluated for the first time in account ${view.accountId} ${run}`,
            'Their findings are recorded as their baseline; from now on you hear only about changes.',
          ]
        : [
            `estatescan: first scan of account ${view.accountId} ${run}`,
            'Its findings are recorded as the baseline; from now on you hear only about changes.',
          ];
    case 'target-health':
      return [
        `estatescan: account ${view.accountId} ${oneLine(view.summary)} ${run}`,
        view.failing
          ? 'Its findings there are not checked while it fails: they stay as last seen. You hear once more ' +
            'when it is scanned again, not on every run in between.'
          : 'Its findings there are checked again from this run on.',
        ...partLine(view, 'targets'),
      ];
  }
}

function partLine(view: AlertView, items: string): string[] {
  const part = view.part;
  return part
    ? [`Part ${part.index} of ${part.total}: ${items} ${part.first}-${part.last} of ${part.of}.`]
    : [];
}

function footer(view: AlertView): string[] {
  if (view.kind === 'target-health') {
    return [
      ...(view.failing ? ['What to check:', ...view.nextSteps.map((s) => `  - ${s}`), ''] : []),
      `Sent by estatescan for run ${view.runId}.`,
    ];
  }
  return [
    'Query these findings (add --severity critical or --status open to narrow them):',
    `  ${view.query}`,
    '',
    `Sent by estatescan for run ${view.runId}. You hear about a finding only when it changes: new, worse,`,
    'better, resolved, reopened, or suppressed.',
  ];
}

/** One change; remediation steps one per line, the CLI command alone. */
function changeBlock(item: ChangeItem): string[] {
  const f = item.finding;
  const lines = [
    `[${item.number}] ${item.label} - ${item.severity} - ${oneLine(f.title)}`,
    field('Resource', `${f.resourceType} ${f.resourceId}`),
  ];
  if (f.resourceArn && f.resourceArn !== f.resourceId) lines.push(field('ARN', f.resourceArn));
  lines.push(
    field('Region', f.region),
    field('Rule', f.ruleId),
    field('What', cut(oneLine(f.message), textLimits.message)),
  );
  if (item.explanation) lines.push(field('Change', item.explanation));
  const evidence = evidenceLines(f.evidence);
  if (evidence.length) lines.push('    Evidence:', ...evidence.map((l) => `      ${l}`));
  if (item.remediation !== undefined) {
    const remediation = remediationLines(item.remediation);
    if (remediation.length) lines.push('    Remediation:', ...remediation.map((l) => `      ${l}`));
  }
  lines.push(field('First seen', item.firstSeen), field('Finding id', f.findingId));
  return lines;
}

/** `key: value` lines of the evidence, nested values as compact JSON, long values cut. */
function evidenceLines(evidence: Record<string, unknown>): string[] {
  const entries = Object.entries(evidence).filter(([, v]) => v !== undefined && v !== null && v !== '');
  const lines = entries
    .slice(0, textLimits.evidenceFields)
    .map(
      ([k, v]) =>
        `${cut(oneLine(k), textLimits.evidenceValue)}: ` +
        cut(oneLine(typeof v === 'string' ? v : JSON.stringify(v)), textLimits.evidenceValue),
    );
  if (entries.length > textLimits.evidenceFields) {
    lines.push(`(${entries.length - textLimits.evidenceFields} more fields: see estatescan findings)`);
  }
  return lines;
}

/**
 * `1. Open … 2. Edit … CLI: aws …` (the engine's remediation text) as one step a line and the
 * command on a line of its own, so it can be copied as is.
 */
function remediationLines(remediation: string): string[] {
  const text = cut(oneLine(remediation.trim()), textLimits.remediation);
  if (!text) return [];
  const cliAt = text.search(/(^|\s)CLI:\s/);
  const steps = (cliAt >= 0 ? text.slice(0, cliAt) : text).trim();
  const cli =
    cliAt >= 0
      ? text
          .slice(cliAt)
          .replace(/^\s*CLI:\s*/, '')
          .trim()
      : '';
  const lines = steps ? steps.split(/\s+(?=\d+\.\s)/).map((s) => s.trim()) : [];
  if (cli) lines.push('CLI:', `  ${cli}`);
  return lines;
}

/** A region's first scan: its headline, then its top findings with their fix. */
function baselineBlock(item: BaselineItem): string[] {
  const lines = [`${oneLine(item.headline)}${item.top.length ? `, top ${item.top.length}:` : '.'}`];
  item.top.forEach(({ severity, finding: f, fix }, i) => {
    lines.push(
      `  ${i + 1}. ${severity} - ${oneLine(f.title)}`,
      `     ${oneLine(`${f.resourceType} ${f.resourceId} (${f.ruleId})`)}`,
      `     ${cut(oneLine(f.message), textLimits.message)}`,
    );
    if (fix) lines.push('     Fix:', `       ${cut(oneLine(fix), textLimits.cli)}`);
  });
  return lines;
}

function targetBlock(item: TargetItem, failing: boolean): string[] {
  const lines = [
    `[${item.number}] ${oneLine(item.where)} - ${item.status}`,
    field('Since', `${item.since} (run ${item.sinceRunId})`),
  ];
  const errorLine = cut(oneLine(`${item.call}: ${item.message}`), textLimits.message);
  if (failing) {
    lines.push(field('Error', errorLine));
  } else {
    lines.push(
      field('Recovered', `${item.recovered} (run ${item.recoveredRunId})`),
      field('Failed', `${plural(item.failedRuns, 'run')} in a row`),
      field('Last error', errorLine),
    );
  }
  return lines;
}

function field(label: string, value: string): string {
  return `    ${`${label}:`.padEnd(12)}${oneLine(value)}`;
}
