/**
 * `npm run bench:peers`: estatescan beside Prowler on the same emulated estate.
 *
 * 1. Installs the pinned Prowler into its own virtualenv, `.venv-peers/` (first run only; never on
 *    the test path, never in `.venv`, whose moto the tests use).
 * 2. For each emulator set-up — moto without its default AMIs (`MOTO_EC2_LOAD_DEFAULT_AMIS=false`,
 *    the fair figure: an account holds only what was seeded) and then moto as it starts by default
 *    (about 1,170 public AMIs in every account and region, whose EBS snapshots moto lists as the
 *    account's own: Prowler then asks for each snapshot's permissions) — it starts a
 *    fresh moto, seeds the benchmark estate (`bench/estate.ts`) in 4 accounts × 4 regions, plants a
 *    few resources whose verdicts are known (`plantTarget`), and puts a counting proxy in front of it
 *    (`bench/counting-proxy.ts`).
 * 3. Runs Prowler's equivalent checks and estatescan's rules over the same accounts and regions,
 *    alternating which goes first, several times. Prowler scans one account per process (the hub
 *    with its own credentials, the others through `-R <role ARN>`, one after another, as a shell
 *    loop would); estatescan scans them all in one process, assuming the same role.
 * 4. Prints the median wall time, the API calls per operation (as the proxy received them, retries
 *    included), the ratios, and what each tool reports on the planted resources.
 *
 *   npm run bench:peers                         # about 19 minutes here, plus Prowler's install once
 *   npm run bench:peers -- --runs 1 --default-ami-runs 0
 *   npm run bench:peers -- --markdown           # the tables as BENCHMARKS.md shows them
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MOTO_VERSION, startMoto } from '../scripts/emulator/moto.ts';
import { type OperationTally, startCountingProxy, type Tally } from './counting-proxy.ts';
import { HUB_ACCOUNT, hubCredentials } from './estate.ts';
import { machineLine, seconds, writeResult } from './measure.ts';
import {
  type PlantedKey,
  type PlantedResource,
  peersEstate,
  plantedKinds,
  seedPeersEstate,
} from './peers-estate.ts';

export const PROWLER_VERSION = '5.46.0';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const venvDir = join(projectRoot, '.venv-peers');
const venvPython = join(venvDir, 'bin', 'python');
const prowlerBin = join(venvDir, 'bin', 'prowler');
const stampFile = join(venvDir, '.prowler-version');
/**
 * Where the estatescan CLI measured here is built at the bench's start: inside node_modules, so the
 * packages it leaves external resolve from the project's node_modules as dist/cli's do.
 */
const estatescanBuildDir = join(projectRoot, 'node_modules', '.cache', 'estatescan-bench-peers');

/** The member role both tools assume (estatescan's default role name). */
const ROLE_NAME = 'EstatescanReadOnly';

/**
 * estatescan's rules and Prowler's checks for the same question. Prowler splits the open security
 * group question by port; these are the checks that together cover Security Hub EC2.19's high-risk
 * ports, which estatescan's rule uses, plus "all ports" and "any port".
 */
export const comparedChecks = [
  {
    topic: 'open security groups',
    rule: 'ec2-security-group-open-ingress',
    checks: [
      'ec2_securitygroup_allow_ingress_from_internet_to_all_ports',
      'ec2_securitygroup_allow_ingress_from_internet_to_any_port',
      'ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports',
      'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22',
      'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389',
      'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_ftp_20_21',
      'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_telnet_23',
      'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_sql_server_1433_1434',
      'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mysql_3306',
      'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_postgres_5432',
      'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_elasticsearch_kibana_9200_9300_5601',
      'ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_cassandra_7199_9160_8888',
    ],
  },
  {
    topic: 'public ECR repositories',
    rule: 'ecr-repository-public',
    checks: ['ecr_repositories_not_publicly_accessible'],
  },
  { topic: 'S3 versioning', rule: 's3-bucket-versioning-disabled', checks: ['s3_bucket_object_versioning'] },
  { topic: 'EKS version', rule: 'eks-cluster-version-eol', checks: ['eks_cluster_uses_a_supported_version'] },
  { topic: 'outdated AMIs / OS', rule: 'ec2-instance-os-eol', checks: ['ec2_instance_with_outdated_ami'] },
] as const;

const prowlerChecks = comparedChecks.flatMap((c) => c.checks);
const estatescanRules = comparedChecks.map((c) => c.rule);

/** Short names for the tables (Prowler's security group check ids share a 48-character prefix). */
const shortCheck = (check: string) => check.replace('ec2_securitygroup_allow_ingress_from_internet_to_', '');

const usage = `Usage: npm run bench:peers -- [--runs n] [--default-ami-runs n] [--latency-ms n]
  [--keep-moto-gaps] [--markdown] [--json file] [--from file]
--runs              rounds on moto without its default AMIs (the fair figure; default 3)
--default-ami-runs  rounds on moto with its default AMIs (default 2; 0 skips that part)
--latency-ms        added by the proxy to every call (default 0)
--keep-moto-gaps    let moto answer HTTP 500 to the read operations it lacks (SSM
                    DescribeInstanceInformation, ECR Public DescribeRepositories) instead of the
                    proxy answering them empty, as AWS answers an account without any
--markdown          print the tables as Markdown (for BENCHMARKS.md)
--json              also write the figures to this file
--from              print the report of figures written with --json (file,file: one report of
                    several runs' set-ups), running nothing`;

class UsageError extends Error {
  override name = 'UsageError';
}

class PeerRunError extends Error {
  override name = 'PeerRunError';
}

interface PeersOptions {
  runs: number;
  defaultAmiRuns: number;
  latencyMs: number;
  keepMotoGaps: boolean;
  markdown: boolean;
  json?: string;
  from?: string;
}

function parseOptions(argv: string[]): PeersOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string' },
      'default-ami-runs': { type: 'string' },
      'latency-ms': { type: 'string' },
      'keep-moto-gaps': { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      json: { type: 'string' },
      from: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const count = (name: string, raw: string | undefined, fallback: number, min: number): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min)
      throw new UsageError(`--${name} takes a whole number ≥ ${min}, not ${raw}`);
    return n;
  };
  const runs = count('runs', values.runs, 3, 0);
  const defaultAmiRuns = count('default-ami-runs', values['default-ami-runs'], 2, 0);
  if (runs + defaultAmiRuns === 0) throw new UsageError('--runs and --default-ami-runs cannot both be 0');
  return {
    runs,
    defaultAmiRuns,
    latencyMs: count('latency-ms', values['latency-ms'], 0, 0),
    keepMotoGaps: values['keep-moto-gaps'],
    markdown: values.markdown,
    ...(values.json ? { json: values.json } : {}),
    ...(values.from ? { from: values.from } : {}),
  };
}

const log = (text: string) => process.stderr.write(`[bench:peers] ${text}\n`);

// ---------------------------------------------------------------- Prowler's virtualenv

function pythonOnPath(): string {
  for (const candidate of ['python3', 'python']) {
    try {
      return execFileSync('sh', ['-c', `command -v ${candidate}`], { encoding: 'utf8' }).trim();
    } catch {
      // try the next name
    }
  }
  throw new PeerRunError(
    'Prowler needs Python 3.9–3.12 with pip and venv on PATH (python3); none was found.',
  );
}

/** Installs the pinned Prowler into `.venv-peers` unless it is there already. */
function ensureProwler(): void {
  if (
    existsSync(prowlerBin) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8').trim() === PROWLER_VERSION
  ) {
    return;
  }
  const python = pythonOnPath();
  log(`installing prowler==${PROWLER_VERSION} into ${venvDir} (first run only; a few minutes, about 2 GB)`);
  const started = performance.now();
  try {
    if (!existsSync(venvPython)) execFileSync(python, ['-m', 'venv', venvDir], { stdio: 'inherit' });
    execFileSync(
      venvPython,
      ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `prowler==${PROWLER_VERSION}`],
      { stdio: 'inherit', timeout: 1_200_000 },
    );
  } catch (error) {
    throw new PeerRunError(
      `Could not install prowler==${PROWLER_VERSION} into ${venvDir}: ${(error as Error).message.split('\n')[0]}. ` +
        'It needs PyPI (pip) and Python 3.9–3.12; delete the directory to start over.',
      { cause: error },
    );
  }
  writeFileSync(stampFile, `${PROWLER_VERSION}\n`);
  log(`installed in ${seconds(performance.now() - started)}`);
}

function prowlerVersions(): string {
  return execFileSync(
    venvPython,
    [
      '-c',
      'import importlib.metadata as m, sys; ' +
        "print(f\"Prowler {m.version('prowler')}, boto3 {m.version('boto3')}, Python {sys.version.split()[0]}\")",
    ],
    { encoding: 'utf8' },
  ).trim();
}

// ---------------------------------------------------------------- estatescan's CLI

const sleep = (ms: number) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/**
 * Builds the CLI into plain JavaScript once, with the options `scripts/build-cli.js` uses for
 * dist/cli (what `npm ci` installs and `bin/estatescan.js` runs), and returns a script that runs it.
 * Every round runs this one build: `bin/estatescan.js` rebuilds dist/cli whenever a source changes,
 * which in a working tree being edited would put a build (or a half-edited file) into a round.
 */
async function buildEstatescan(): Promise<string> {
  const { build } = await import('esbuild');
  for (let attempt = 1; ; attempt++) {
    rmSync(estatescanBuildDir, { recursive: true, force: true });
    try {
      await build({
        absWorkingDir: projectRoot,
        entryPoints: { main: 'src/cli/main.ts' },
        outdir: estatescanBuildDir,
        bundle: true,
        splitting: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        packages: 'external',
        chunkNames: 'chunks/[name]-[hash]',
        logLevel: 'silent',
      });
      break;
    } catch (error) {
      const reason = (error as Error).message.split('\n').slice(0, 3).join(' ');
      if (attempt === 6)
        throw new PeerRunError(`Could not build estatescan's CLI: ${reason}`, { cause: error });
      log(`could not build estatescan's CLI (${reason}); trying again in 10 s`);
      await sleep(10_000);
    }
  }
  // Module scope stops at node_modules: say that these files are ES modules.
  writeFileSync(join(estatescanBuildDir, 'package.json'), '{ "type": "module" }\n');
  const cli = join(estatescanBuildDir, 'cli.js');
  writeFileSync(cli, "import { runCli } from './main.js';\n\nawait runCli(process.argv.slice(2));\n");
  return cli;
}

// ---------------------------------------------------------------- running the tools

/** One finding as either tool reports it, reduced to what the comparison needs. */
interface PeerFinding {
  /** Prowler's check id or estatescan's rule id. */
  check: string;
  status: 'FAIL' | 'PASS' | 'MANUAL';
  severity: string;
  arn: string;
}

type Tool = 'Prowler' | 'estatescan';

interface ToolRun {
  tool: Tool;
  round: number;
  wallMs: number;
  /** Per process: from its start to its first API call, and from its last call to its exit. */
  processes: { beforeFirstCallMs: number; afterLastCallMs: number }[];
  operations: Record<string, OperationTally>;
  calls: number;
  findings: PeerFinding[];
  /** Targets or sources the tool itself said it could not read. */
  problems: string[];
}

interface ProcessOutcome {
  code: number;
  wallMs: number;
  tail: string;
  startedAt: number;
  endedAt: number;
}

/** Runs a command to its end, keeping the last few KB of its output for an error message. */
function runProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<ProcessOutcome> {
  return new Promise((resolvePromise, reject) => {
    const startedAt = performance.now();
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      const endedAt = performance.now();
      resolvePromise({ code: code ?? -1, wallMs: endedAt - startedAt, tail, startedAt, endedAt });
    });
  });
}

/**
 * The environment both tools run in: the standard AWS chain pointed at the proxy, with the hub's
 * keys, and nothing from the caller's own AWS configuration (no profile, no config files).
 */
function toolEnvironment(endpoint: string, workDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('AWS_')) env[name] = value;
  return {
    ...env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: hubCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: hubCredentials.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: join(workDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(workDir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    NO_COLOR: '1',
  };
}

function sumCalls(operations: Record<string, OperationTally>): number {
  return Object.values(operations).reduce((n, t) => n + t.calls, 0);
}

function mergeOperations(into: Record<string, OperationTally>, from: Record<string, OperationTally>): void {
  for (const [op, t] of Object.entries(from)) {
    const entry = into[op] ?? {
      calls: 0,
      clientErrors: 0,
      serverErrors: 0,
      unsupported: 0,
      answeredByProxy: 0,
    };
    into[op] = entry;
    entry.calls += t.calls;
    entry.clientErrors += t.clientErrors;
    entry.serverErrors += t.serverErrors;
    entry.unsupported += t.unsupported;
    entry.answeredByProxy += t.answeredByProxy;
  }
}

function processTimes(outcome: ProcessOutcome, tally: Tally) {
  return {
    beforeFirstCallMs: (tally.firstAt ?? outcome.endedAt) - outcome.startedAt,
    afterLastCallMs: outcome.endedAt - (tally.lastAt ?? outcome.endedAt),
  };
}

interface RunContext {
  endpoint: string;
  take: () => Tally;
  workDir: string;
  /** The script that runs the estatescan CLI built for this bench. */
  estatescanCli: string;
}

interface OcsfFinding {
  status_code?: string;
  severity?: string;
  metadata?: { event_code?: string };
  resources?: { uid?: string }[];
}

async function runProwler(context: RunContext, round: number): Promise<ToolRun> {
  const outDir = join(context.workDir, `prowler-${round}`);
  mkdirSync(outDir, { recursive: true });
  const env = toolEnvironment(context.endpoint, context.workDir);
  const operations: Record<string, OperationTally> = {};
  const processes: ToolRun['processes'] = [];
  const findings: PeerFinding[] = [];
  const problems: string[] = [];
  let wallMs = 0;
  context.take();
  for (const accountId of peersEstate.accounts) {
    const args = [
      'aws',
      '--checks',
      ...prowlerChecks,
      '--region',
      ...peersEstate.regions,
      ...(accountId === HUB_ACCOUNT ? [] : ['-R', `arn:aws:iam::${accountId}:role/${ROLE_NAME}`]),
      '--output-formats',
      'json-ocsf',
      '--output-directory',
      outDir,
      '--output-filename',
      `prowler-${accountId}`,
      '--no-banner',
      '--log-level',
      'ERROR',
      '--log-file',
      join(outDir, `prowler-${accountId}.log`),
    ];
    const outcome = await runProcess(prowlerBin, args, env, context.workDir);
    const tally = context.take();
    // Prowler exits 3 when a check fails, 0 when none does; anything else is its own failure.
    if (outcome.code !== 0 && outcome.code !== 3) {
      throw new PeerRunError(`prowler for ${accountId} exited ${outcome.code}:\n${outcome.tail}`);
    }
    wallMs += outcome.wallMs;
    processes.push(processTimes(outcome, tally));
    mergeOperations(operations, tally.operations);
    const report = JSON.parse(
      readFileSync(join(outDir, `prowler-${accountId}.ocsf.json`), 'utf8'),
    ) as OcsfFinding[];
    for (const f of report) {
      findings.push({
        check: f.metadata?.event_code ?? '?',
        status: (f.status_code ?? 'MANUAL') as PeerFinding['status'],
        severity: (f.severity ?? '').toLowerCase(),
        arn: f.resources?.[0]?.uid ?? '',
      });
    }
    const logFile = join(outDir, `prowler-${accountId}.log`);
    const errors = existsSync(logFile)
      ? readFileSync(logFile, 'utf8')
          .split('\n')
          .filter((l) => l.includes('"level": "ERROR"')).length
      : 0;
    if (errors) problems.push(`${accountId}: ${errors} errors logged`);
  }
  return {
    tool: 'Prowler',
    round,
    wallMs,
    processes,
    operations,
    calls: sumCalls(operations),
    findings,
    problems,
  };
}

interface EstatescanReport {
  findings: { ruleId: string; severity: string; status: string; resourceArn: string }[];
  errors?: { accountId: string; region: string; operation: string; code: string }[];
}

async function runEstatescan(context: RunContext, round: number): Promise<ToolRun> {
  const outDir = join(context.workDir, `estatescan-${round}`);
  mkdirSync(outDir, { recursive: true });
  const args = [
    context.estatescanCli,
    'scan',
    '--accounts',
    peersEstate.accounts.join(','),
    '--regions',
    peersEstate.regions.join(','),
    '--role-name',
    ROLE_NAME,
    '--rules',
    estatescanRules.join(','),
    '--format',
    'json',
    '--output-dir',
    outDir,
    '--quiet',
  ];
  context.take();
  const outcome = await runProcess(
    process.execPath,
    args,
    toolEnvironment(context.endpoint, context.workDir),
    context.workDir,
  );
  const tally = context.take();
  // 0 clean, 1 findings at or above --fail-on (not given), 3 some targets or sources failed.
  if (![0, 1, 3].includes(outcome.code)) {
    throw new PeerRunError(`estatescan exited ${outcome.code}:\n${outcome.tail}`);
  }
  const file = readdirSync(outDir).find((f) => f.endsWith('.json'));
  if (!file) throw new PeerRunError(`estatescan wrote no JSON report into ${outDir}:\n${outcome.tail}`);
  const report = JSON.parse(readFileSync(join(outDir, file), 'utf8')) as EstatescanReport;
  return {
    tool: 'estatescan',
    round,
    wallMs: outcome.wallMs,
    processes: [processTimes(outcome, tally)],
    operations: tally.operations,
    calls: sumCalls(tally.operations),
    findings: report.findings
      .filter((f) => f.status === 'open')
      .map((f) => ({ check: f.ruleId, status: 'FAIL', severity: f.severity, arn: f.resourceArn })),
    problems: (report.errors ?? []).map((e) => `${e.accountId} ${e.region} ${e.operation}: ${e.code}`),
  };
}

// ---------------------------------------------------------------- one emulator set-up

interface ModeResult {
  name: string;
  defaultAmis: boolean;
  seedMs: number;
  seedCalls: number;
  plantMs: number;
  loadAverage: [number, number];
  runs: ToolRun[];
  planted: PlantedResource[];
}

async function runMode(
  name: string,
  defaultAmis: boolean,
  rounds: number,
  options: PeersOptions,
  paths: { workDir: string; estatescanCli: string },
): Promise<ModeResult> {
  const loadBefore = loadavg()[0] ?? 0;
  // startMoto passes this process's environment on to moto_server.
  const saved = process.env.MOTO_EC2_LOAD_DEFAULT_AMIS;
  if (defaultAmis) delete process.env.MOTO_EC2_LOAD_DEFAULT_AMIS;
  else process.env.MOTO_EC2_LOAD_DEFAULT_AMIS = 'false';
  log(`${name}: starting moto ${MOTO_VERSION}`);
  const moto = await startMoto();
  if (saved === undefined) delete process.env.MOTO_EC2_LOAD_DEFAULT_AMIS;
  else process.env.MOTO_EC2_LOAD_DEFAULT_AMIS = saved;
  try {
    const { estate, planted, seedMs, plantMs } = await seedPeersEstate(moto.endpoint);
    log(
      `${name}: seeded the estate in ${seconds(seedMs)} (${estate.totalCalls} calls), ` +
        `planted ${planted.length} resources in ${seconds(plantMs)}`,
    );

    const proxy = await startCountingProxy(moto.endpoint, {
      latencyMs: options.latencyMs,
      answerMotoGaps: !options.keepMotoGaps,
    });
    const runs: ToolRun[] = [];
    try {
      // Output directories of their own: Prowler appends to an output file that already exists.
      const workDir = mkdtempSync(join(paths.workDir, defaultAmis ? 'default-amis-' : 'no-default-amis-'));
      const context: RunContext = {
        endpoint: proxy.endpoint,
        take: () => proxy.take(),
        workDir,
        estatescanCli: paths.estatescanCli,
      };
      for (let round = 1; round <= rounds; round++) {
        // Alternate who goes first, so that neither always runs on a warmer (or busier) machine.
        const order: Tool[] = round % 2 === 1 ? ['Prowler', 'estatescan'] : ['estatescan', 'Prowler'];
        for (const tool of order) {
          log(`${name}: round ${round}/${rounds}, ${tool}`);
          const run =
            tool === 'Prowler' ? await runProwler(context, round) : await runEstatescan(context, round);
          log(`${name}: round ${round}/${rounds}, ${tool}: ${seconds(run.wallMs)}, ${run.calls} calls`);
          runs.push(run);
        }
      }
    } finally {
      await proxy.stop();
    }
    return {
      name,
      defaultAmis,
      seedMs,
      seedCalls: estate.totalCalls,
      plantMs,
      loadAverage: [loadBefore, loadavg()[0] ?? 0],
      runs,
      planted,
    };
  } finally {
    await moto.stop();
  }
}

// ---------------------------------------------------------------- report

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const fmtSeconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const fmtCount = (n: number) => Math.round(n).toLocaleString('en-US');
const ratio = (a: number, b: number) => (b > 0 ? `×${(a / b).toFixed(1)}` : '—');

/** A plain-text or Markdown table; cells are the bench's own strings, not resource data. */
function table(header: string[], rows: string[][], markdown: boolean, rightAligned: number[] = []): string {
  if (markdown) {
    const rule = header.map((_, i) => (rightAligned.includes(i) ? '---:' : '---'));
    return [header, rule, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (rightAligned.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const tools: readonly Tool[] = ['Prowler', 'estatescan'];

/** The set-up's short name, for column headers. */
const setUp = (mode: ModeResult) => (mode.defaultAmis ? 'default AMIs' : 'no default AMIs');

function toolRuns(mode: ModeResult, tool: Tool): ToolRun[] {
  return mode.runs.filter((r) => r.tool === tool);
}

const medianWall = (mode: ModeResult, tool: Tool) => median(toolRuns(mode, tool).map((r) => r.wallMs));
const medianCalls = (mode: ModeResult, tool: Tool) => median(toolRuns(mode, tool).map((r) => r.calls));

function summaryTable(modes: ModeResult[], markdown: boolean): string {
  const rows = modes.flatMap((mode) =>
    tools.map((tool) => {
      const runs = toolRuns(mode, tool);
      const walls = runs.map((r) => r.wallMs);
      const calls = runs.map((r) => r.calls);
      const processes = runs[0]?.processes.length ?? 0;
      const before = median(runs.flatMap((r) => r.processes.map((p) => p.beforeFirstCallMs)));
      const after = median(runs.flatMap((r) => r.processes.map((p) => p.afterLastCallMs)));
      const errors = median(
        runs.map((r) => Object.values(r.operations).reduce((n, t) => n + t.clientErrors + t.serverErrors, 0)),
      );
      return [
        setUp(mode),
        tool,
        String(runs.length),
        walls.length > 1
          ? `${fmtSeconds(median(walls))} (${fmtSeconds(Math.min(...walls))}–${fmtSeconds(Math.max(...walls))})`
          : fmtSeconds(walls[0] ?? 0),
        `${processes} × ${fmtSeconds(before)} / ${fmtSeconds(after)}`,
        Math.min(...calls) === Math.max(...calls)
          ? fmtCount(calls[0] ?? 0)
          : `${fmtCount(median(calls))} (${fmtCount(Math.min(...calls))}–${fmtCount(Math.max(...calls))})`,
        fmtCount(errors),
        ratio(median(walls), medianWall(mode, 'estatescan')),
        ratio(median(calls), medianCalls(mode, 'estatescan')),
      ];
    }),
  );
  return table(
    [
      'moto',
      'tool',
      'runs',
      'wall, median (min–max)',
      'processes × before 1st call / after last call',
      'API calls',
      'of them 4xx/5xx',
      'wall vs estatescan',
      'calls vs estatescan',
    ],
    rows,
    markdown,
    [2, 3, 5, 6, 7, 8],
  );
}

function operationsTable(modes: ModeResult[], markdown: boolean): string {
  const ops = new Set<string>();
  for (const mode of modes)
    for (const r of mode.runs) for (const op of Object.keys(r.operations)) ops.add(op);
  const columns = tools.flatMap((tool) => modes.map((mode) => ({ tool, mode })));
  const cell = (tool: Tool, mode: ModeResult, op: string) => {
    const runs = toolRuns(mode, tool);
    const calls = median(runs.map((r) => r.operations[op]?.calls ?? 0));
    if (!calls) return '';
    const tallies = runs.map((r) => r.operations[op]).filter((t): t is OperationTally => t !== undefined);
    const marks = [
      tallies.some((t) => t.unsupported) ? '†' : '',
      tallies.some((t) => t.answeredByProxy) ? '‡' : '',
    ].join('');
    return `${fmtCount(calls)}${marks}`;
  };
  const rows = [...ops]
    .sort((a, b) => a.localeCompare(b))
    .map((op) => [markdown ? `\`${op}\`` : op, ...columns.map((c) => cell(c.tool, c.mode, op))]);
  rows.push([markdown ? '**total**' : 'total', ...columns.map((c) => fmtCount(medianCalls(c.mode, c.tool)))]);
  return table(
    ['operation', ...columns.map((c) => (modes.length > 1 ? `${c.tool}, ${setUp(c.mode)}` : c.tool))],
    rows,
    markdown,
    columns.map((_, i) => i + 1),
  );
}

/** What one tool said about one kind of planted resource, over every target it was planted in. */
function verdict(mode: ModeResult, tool: Tool, key: PlantedKey): string {
  const planted = mode.planted.filter((p) => p.key === key);
  const run = toolRuns(mode, tool).at(-1);
  if (!run) return '';
  const byArn = new Map<string, PeerFinding[]>();
  for (const f of run.findings) {
    const list = byArn.get(f.arn);
    if (list) list.push(f);
    else byArn.set(f.arn, [f]);
  }
  const per = planted.map((p) => byArn.get(p.arn) ?? []);
  const of = `/${planted.length}`;
  if (tool === 'estatescan') {
    const severities = new Map<string, number>();
    for (const findings of per) {
      for (const f of findings) severities.set(f.severity, (severities.get(f.severity) ?? 0) + 1);
    }
    if (!severities.size) return `no finding (0${of})`;
    return [...severities.entries()].map(([s, n]) => `${s} ${n}${of}`).join(', ');
  }
  const failing = new Map<string, number>();
  let passed = 0;
  let reported = 0;
  for (const findings of per) {
    if (findings.length) reported++;
    for (const f of findings) if (f.status === 'FAIL') failing.set(f.check, (failing.get(f.check) ?? 0) + 1);
    if (findings.length && findings.every((f) => f.status === 'PASS')) passed++;
  }
  if (!reported) return `not evaluated (0${of})`;
  const fails = [...failing.entries()].map(([check, n]) => `${shortCheck(check)} ${n}${of}`);
  return [fails.length ? `FAIL ${fails.join(', ')}` : '', passed ? `PASS ${passed}${of}` : '']
    .filter(Boolean)
    .join('; ');
}

/** One table when every set-up gave the same verdicts (the planted resources are the same). */
function plantedTable(modes: ModeResult[], markdown: boolean): string {
  const order: readonly Tool[] = ['estatescan', 'Prowler'];
  const verdicts = (mode: ModeResult) =>
    plantedKinds.map((k) => order.map((tool) => verdict(mode, tool, k.key)));
  const first = JSON.stringify(verdicts(modes[0]!));
  const shown = modes.filter((mode, i) => i === 0 || JSON.stringify(verdicts(mode)) !== first);
  const rows = plantedKinds.map((k) => [
    k.label,
    ...shown.flatMap((mode) => order.map((tool) => verdict(mode, tool, k.key))),
  ]);
  const headers = shown.flatMap((mode) =>
    order.map((tool) => (shown.length > 1 ? `${tool}, ${setUp(mode)}` : tool)),
  );
  return table(['planted in every account × region', ...headers], rows, markdown);
}

function topicsTable(modes: ModeResult[], markdown: boolean): string {
  const rows = comparedChecks.map((c) => [
    c.topic,
    ...modes.flatMap((mode) => {
      const es = toolRuns(mode, 'estatescan').at(-1);
      const pr = toolRuns(mode, 'Prowler').at(-1);
      const prFindings = pr?.findings.filter((f) => (c.checks as readonly string[]).includes(f.check)) ?? [];
      return [
        String(es?.findings.filter((f) => f.check === c.rule).length ?? 0),
        `${prFindings.filter((f) => f.status === 'FAIL').length} / ${prFindings.filter((f) => f.status === 'PASS').length}`,
      ];
    }),
  ]);
  const suffix = (mode: ModeResult) => (modes.length > 1 ? `, ${setUp(mode)}` : '');
  return table(
    [
      'question',
      ...modes.flatMap((mode) => [
        `estatescan findings${suffix(mode)}`,
        `Prowler FAIL / PASS${suffix(mode)}`,
      ]),
    ],
    rows,
    markdown,
    modes.flatMap((_, i) => [1 + 2 * i, 2 + 2 * i]),
  );
}

/** Which rule and which checks answer each question, printed once. */
function checksTable(markdown: boolean): string {
  const code = (text: string) => (markdown ? `\`${text}\`` : text);
  const rows = comparedChecks.map((c) => [
    c.topic,
    code(c.rule),
    c.checks.map((check) => code(shortCheck(check))).join(', '),
  ]);
  return table(['question', 'estatescan rule', 'Prowler checks'], rows, markdown);
}

function notes(modes: ModeResult[]): string[] {
  const out: string[] = [];
  for (const mode of modes) {
    out.push(
      `moto with ${setUp(mode)}: seeded in ${fmtSeconds(mode.seedMs)} (${fmtCount(mode.seedCalls)} calls) and ` +
        `planted in ${fmtSeconds(mode.plantMs)}, not part of the figures; load average ${mode.loadAverage[0].toFixed(2)} ` +
        `before, ${mode.loadAverage[1].toFixed(2)} after.`,
    );
    for (const tool of tools) {
      const counts = toolRuns(mode, tool).map((r) => r.findings.filter((f) => f.status === 'FAIL').length);
      if (new Set(counts).size > 1) {
        out.push(`${tool}'s failing results differ between runs (${setUp(mode)}): ${counts.join(', ')}.`);
      }
      const problems = toolRuns(mode, tool).at(-1)?.problems ?? [];
      if (problems.length) {
        out.push(
          `${tool} reported problems (${setUp(mode)}, last run): ${problems.slice(0, 6).join('; ')}` +
            `${problems.length > 6 ? '; …' : ''}.`,
        );
      }
    }
  }
  const lacking = tools
    .map((tool) => {
      const ops = new Set<string>();
      for (const mode of modes) {
        for (const r of toolRuns(mode, tool)) {
          for (const [op, t] of Object.entries(r.operations))
            if (t.unsupported || t.answeredByProxy) ops.add(op);
        }
      }
      return { tool, ops: [...ops].sort() };
    })
    .filter((x) => x.ops.length)
    .map((x) => `${x.tool}: ${x.ops.join(', ')}`);
  if (lacking.length) out.push(`Operations moto lacks, as called: ${lacking.join('; ')}.`);
  return out;
}

function render(modes: ModeResult[], options: PeersOptions, header: string): string {
  const md = options.markdown;
  const targets = peersEstate.accounts.length * peersEstate.regions.length;
  const out: string[] = [
    header,
    '',
    `Estate: ${peersEstate.accounts.length} accounts × ${peersEstate.regions.length} regions (${peersEstate.regions.join(', ')}) = ${targets} targets; ` +
      `per target ${peersEstate.instances} instances on one CentOS 7 AMI, ${peersEstate.securityGroups} security groups, ` +
      `${peersEstate.repositories} ECR repositories, ${peersEstate.eksClusters} EKS cluster (1.23), ` +
      `${peersEstate.buckets / peersEstate.regions.length} buckets (bench/estate.ts), plus ${plantedKinds.length} planted resources (table below). ` +
      `The hub account ${HUB_ACCOUNT} is scanned with its own keys, the other three through sts:AssumeRole into ${ROLE_NAME}.`,
    '',
    `Prowler: \`prowler aws --checks <${prowlerChecks.length} checks> --region ${peersEstate.regions.join(' ')} [-R arn:aws:iam::<account>:role/${ROLE_NAME}] --output-formats json-ocsf\`, one process per account, one after another.`,
    `estatescan: \`estatescan scan --accounts <4 accounts> --regions ${peersEstate.regions.join(',')} --rules ${estatescanRules.join(',')} --format json\`, one process, ` +
      'the CLI built into plain JavaScript as `npm ci` builds it (built once at the start, so every round runs the same code).',
    '',
    checksTable(md),
    '',
    `Both reach moto through a counting proxy (\`AWS_ENDPOINT_URL\`)${options.latencyMs ? ` that adds ${options.latencyMs} ms to every call` : ''}; ` +
      `"API calls" are the HTTP requests it received, retries included. ` +
      (options.keepMotoGaps
        ? 'moto answers the operations it lacks with HTTP 500.'
        : 'The proxy answers the two read operations moto lacks (SSM DescribeInstanceInformation, ECR Public DescribeRepositories) with an empty page, as AWS answers an account without any (‡).'),
    '',
    summaryTable(modes, md),
    '',
    'API calls per operation (median of the runs; † moto answered with an HTML error page: it lacks the operation; ‡ answered by the proxy):',
    '',
    operationsTable(modes, md),
    '',
    'Findings per question (last run): estatescan reports failing resources only; Prowler reports each evaluated resource as FAIL or PASS.',
    '',
    topicsTable(modes, md),
    '',
    `On the planted resources (last run${modes.length > 1 ? '; one column per tool when every set-up gave the same verdicts' : ''}):`,
    '',
    plantedTable(modes, md),
    '',
    ...notes(modes).flatMap((n) => [n, '']),
  ];
  for (const mode of modes) {
    const beforeFirstCall = median(
      toolRuns(mode, 'Prowler').map((r) => r.processes.reduce((n, p) => n + p.beforeFirstCallMs, 0)),
    );
    out.push(
      `moto with ${setUp(mode)}: Prowler ${fmtSeconds(medianWall(mode, 'Prowler'))} (${fmtSeconds(beforeFirstCall)} of it before ` +
        `each account's first API call) and ${fmtCount(medianCalls(mode, 'Prowler'))} calls, estatescan ` +
        `${fmtSeconds(medianWall(mode, 'estatescan'))} and ${fmtCount(medianCalls(mode, 'estatescan'))} calls ` +
        `(${ratio(medianWall(mode, 'Prowler'), medianWall(mode, 'estatescan'))} the wall time, ` +
        `${ratio(medianCalls(mode, 'Prowler'), medianCalls(mode, 'estatescan'))} the calls).`,
    );
  }
  return out.join('\n');
}

// ---------------------------------------------------------------- main

/** What `--json` writes and `--from` reads. */
interface SavedFigures {
  header: string;
  estate: typeof peersEstate;
  options: PeersOptions;
  modes: ModeResult[];
}

async function main(): Promise<number> {
  let options: PeersOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    return 2;
  }
  if (options.from) {
    // Several files (one per set-up, e.g. `--runs 0` and `--default-ami-runs 0`) make one report.
    const saved = options.from.split(',').map((f) => JSON.parse(readFileSync(f, 'utf8')) as SavedFigures);
    const first = saved[0]!;
    const modes = saved.flatMap((f) => f.modes);
    process.stdout.write(
      `${render(modes, { ...first.options, markdown: options.markdown }, first.header)}\n`,
    );
    return 0;
  }
  const started = performance.now();
  ensureProwler();
  const versions = prowlerVersions();
  const estatescanCli = await buildEstatescan();
  const estatescanVersion = (
    JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { version: string }
  ).version;
  const header = `estatescan ${estatescanVersion} beside ${versions} — ${machineLine()}, moto ${MOTO_VERSION} on loopback`;
  log(header);

  const workDir = mkdtempSync(join(tmpdir(), 'estatescan-peers-'));
  const modes: ModeResult[] = [];
  try {
    if (options.runs > 0) {
      modes.push(
        await runMode(
          'moto without its default AMIs (MOTO_EC2_LOAD_DEFAULT_AMIS=false)',
          false,
          options.runs,
          options,
          { workDir, estatescanCli },
        ),
      );
    }
    // Figures so far, in case the next set-up fails.
    await writeResult(options.json, { header, estate: peersEstate, options, modes } satisfies SavedFigures);
    if (options.defaultAmiRuns > 0) {
      modes.push(
        await runMode(
          'moto with its default AMIs (as it starts by default)',
          true,
          options.defaultAmiRuns,
          options,
          { workDir, estatescanCli },
        ),
      );
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    rmSync(estatescanBuildDir, { recursive: true, force: true });
  }
  process.stdout.write(`${render(modes, options, header)}\n`);
  log(`done in ${seconds(performance.now() - started)}`);
  await writeResult(options.json, { header, estate: peersEstate, options, modes } satisfies SavedFigures);
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `[bench:peers] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
