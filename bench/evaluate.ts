/**
 * `npm run bench:evaluate`: rule evaluation alone, without AWS. Generates a synthetic estate of
 * 1,000,000 resources in-process, as snapshots of 10,000 resources each (instances and their
 * network interfaces, security groups with open and closed rules, buckets, repositories with
 * policies, SSM managed instances, ECS and EKS clusters, node groups, AMIs, VPCs…), evaluates every
 * rule over each with the engine the scan uses (`evaluateSnapshot`), and keeps every snapshot and
 * its findings, as a scan does until it ends.
 *
 * It prints resources per second (evaluation time only: generating is timed apart), the findings,
 * and the heap retained and RSS at 100,000 / 500,000 / 1,000,000 resources, to show memory growing
 * linearly with the estate; then the time each rule takes.
 *
 *   npm run bench:evaluate
 *   npm run bench:evaluate -- --resources 200000 --per-snapshot 5000
 */
import { parseArgs } from 'node:util';
import { allRules } from '../rules/index.ts';
import { renderTable } from '../src/cli/table.ts';
import { type EvaluationOptions, evaluateSnapshot, type TargetEvaluation } from '../src/engine/evaluate.ts';
import { defaultRuleSettings } from '../src/engine/types.ts';
import type {
  Bucket,
  DetectedOs,
  EcrRepository,
  EksNodegroup,
  FlowLog,
  NetworkInterface,
  ParsedPolicy,
  PolicyStatement,
  SecurityGroup,
  SecurityGroupRule,
  Snapshot,
  Vpc,
} from '../src/inventory/types.ts';
import { lifecycleCatalogue } from '../src/lifecycle/catalogue.ts';
import {
  makeContainerInstance,
  makeEcsCluster,
  makeEksCluster,
  makeImage,
  makeInstance,
  makeManagedInstance,
  makeSubnet,
  ok,
} from '../test/fixtures/snapshot.ts';
import {
  collectGarbage,
  machineLine,
  mb,
  memorySampler,
  retainedHeap,
  seconds,
  thousands,
  writeResult,
} from './measure.ts';

const usage = `Usage: npm run bench:evaluate -- [--resources n] [--per-snapshot n] [--json file]
Defaults: 1,000,000 resources in snapshots of 10,000.`;

/** The scan's clock for every snapshot: rules read time from the context, never the system clock. */
const NOW = new Date('2025-06-01T12:00:00.000Z');

/** Operating systems spread over the estate: past end of life, in extended support, current, unknown. */
const osChoices: DetectedOs[] = [
  {
    known: true,
    family: 'centos',
    version: '7',
    name: 'CentOS Linux 7',
    source: 'ami-name',
    evidence: 'CentOS-7-2111',
  },
  {
    known: true,
    family: 'amazon-linux',
    version: '2',
    name: 'Amazon Linux 2',
    source: 'ami-name',
    evidence: 'amzn2-ami-hvm',
  },
  {
    known: true,
    family: 'amazon-linux',
    version: '2023',
    name: 'Amazon Linux 2023',
    source: 'ami-name',
    evidence: 'al2023-ami',
  },
  {
    known: true,
    family: 'ubuntu',
    version: '20.04',
    name: 'Ubuntu 20.04 LTS',
    source: 'ami-description',
    evidence: 'Ubuntu 20.04',
  },
  {
    known: true,
    family: 'ubuntu',
    version: '22.04',
    name: 'Ubuntu 22.04 LTS',
    source: 'ami-name',
    evidence: 'ubuntu-jammy-22.04',
  },
  {
    known: true,
    family: 'windows-server',
    version: '2012-r2',
    name: 'Windows Server 2012 R2',
    source: 'platform-details',
    evidence: 'Windows',
  },
  {
    known: true,
    family: 'rhel',
    version: '8',
    name: 'Red Hat Enterprise Linux 8',
    source: 'platform-details',
    evidence: 'Red Hat Enterprise Linux',
  },
  { known: false, reason: 'AMI is deregistered or not shared with this account' },
];

const eksVersions = ['1.23', '1.27', '1.29', '1.31', '1.32'];
const amiTypes = ['AL2_x86_64', 'AL2023_x86_64_STANDARD', 'BOTTLEROCKET_x86_64', 'AL2_ARM_64'];

/** How a snapshot of `size` resources is made up; instances and their interfaces take the rest. */
function composition(size: number) {
  const share = (fraction: number, min = 1) => Math.max(min, Math.round(size * fraction));
  const parts = {
    securityGroups: share(0.13),
    buckets: share(0.1),
    repositories: share(0.1),
    managedInstances: share(0.08),
    containerInstances: share(0.03),
    ecsClusters: share(0.002),
    eksClusters: share(0.005),
    nodegroups: share(0.01),
    images: share(0.005),
    vpcs: share(0.001),
    subnets: share(0.006),
    flowLogs: share(0.0005),
    registryScanning: 1,
    accountPublicAccessBlock: 1,
  };
  const rest = size - Object.values(parts).reduce((a, b) => a + b, 0);
  if (rest < 2) throw new RangeError(`a snapshot of ${size} resources is too small for the mix`);
  return { ...parts, instances: Math.ceil(rest / 2), networkInterfaces: Math.floor(rest / 2) };
}

const hex = (n: number, width = 17) => n.toString(16).padStart(width, '0');

function ingressFor(n: number): SecurityGroupRule[] {
  const anywhere4 = { kind: 'ipv4' as const, value: '0.0.0.0/0' };
  const anywhere6 = { kind: 'ipv6' as const, value: '::/0' };
  const rules: SecurityGroupRule[] = [
    { protocol: 'tcp', fromPort: 5432, toPort: 5432, sources: [{ kind: 'ipv4', value: '10.0.0.0/8' }] },
  ];
  if (n % 10 === 0) rules.push({ protocol: '-1', sources: [anywhere4] });
  else if (n % 4 === 0)
    rules.push({ protocol: 'tcp', fromPort: 22, toPort: 22, sources: [anywhere4, anywhere6] });
  else if (n % 7 === 0) rules.push({ protocol: 'tcp', fromPort: 8000, toPort: 9000, sources: [anywhere6] });
  else rules.push({ protocol: 'tcp', fromPort: 443, toPort: 443, sources: [anywhere4] });
  if (n % 5 === 0)
    rules.push({
      protocol: 'tcp',
      fromPort: 8080,
      toPort: 8080,
      sources: [{ kind: 'security-group', value: `sg-${hex(n + 1)}` }],
    });
  return rules;
}

function repositoryPolicy(accountId: string, n: number): ParsedPolicy {
  const open = n % 2 === 0;
  const statement: PolicyStatement = {
    sid: open ? 'PublicPull' : 'OrgPull',
    effect: 'Allow',
    principals: open ? '*' : [`arn:aws:iam::${accountId}:root`],
    notPrincipal: false,
    actions: ['ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage', 'ecr:BatchCheckLayerAvailability'],
    notActions: false,
    conditions: open ? {} : { StringEquals: { 'aws:PrincipalOrgID': ['o-bench12345'] } },
  };
  return { raw: JSON.stringify({ Version: '2012-10-17', Statement: [statement] }), statements: [statement] };
}

/** One target's snapshot of `size` resources, every id unique to it. */
export function syntheticSnapshot(index: number, size: number): Snapshot {
  const c = composition(size);
  const accountId = String(100_000_000_000 + Math.floor(index / 17)).padStart(12, '0');
  const region = ['us-east-1', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'][index % 4]!;
  const base = index * 1_000_000;
  const id = (prefix: string, n: number) => `${prefix}-${hex(base + n)}`;
  const osAt = (n: number) => osChoices[n % osChoices.length]!;

  const vpcs: Vpc[] = Array.from({ length: c.vpcs }, (_, n) => ({
    vpcId: id('vpc', n),
    isDefault: n === 0,
    state: 'available',
    cidrBlocks: [`10.${n % 256}.0.0/16`],
    ipv6CidrBlocks: [],
    ownerId: accountId,
    tags: { Name: `vpc-${n}` },
  }));
  const vpcOf = (n: number) => vpcs[n % vpcs.length]!.vpcId;
  const subnets = Array.from({ length: c.subnets }, (_, n) =>
    makeSubnet({ subnetId: id('subnet', n), vpcId: vpcOf(n), availabilityZone: `${region}a` }),
  );
  // Flow logs on a few VPCs only: the rest are findings.
  const flowLogs: FlowLog[] = Array.from({ length: c.flowLogs }, (_, n) => ({
    flowLogId: id('fl', n),
    resourceId: vpcOf(n),
    status: 'ACTIVE',
    trafficType: 'ALL',
    destinationType: 'cloud-watch-logs',
  }));
  const securityGroups: SecurityGroup[] = Array.from({ length: c.securityGroups }, (_, n) => ({
    groupId: id('sg', n),
    groupName: `group-${n}`,
    description: `group ${n}`,
    vpcId: vpcOf(n),
    ownerId: accountId,
    ingress: ingressFor(n),
    egress: [{ protocol: '-1', sources: [{ kind: 'ipv4', value: '0.0.0.0/0' }] }],
    tags: { team: `team-${n % 7}` },
  }));
  // Instances use the first 80% of the groups, so a fifth are attached to nothing.
  const attachedGroups = Math.max(1, Math.floor(c.securityGroups * 0.8));
  const images = Array.from({ length: c.images }, (_, n) =>
    makeImage({ imageId: id('ami', n), name: `image-${n}`, os: osAt(n) }),
  );
  const instances = Array.from({ length: c.instances }, (_, n) =>
    makeInstance({
      instanceId: id('i', n),
      state: n % 20 === 0 ? 'stopped' : 'running',
      instanceType: ['t3.micro', 'm5.large', 'c5.xlarge'][n % 3]!,
      imageId: images[n % images.length]!.imageId,
      vpcId: vpcOf(n),
      subnetId: subnets[n % subnets.length]!.subnetId,
      privateIpAddress: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
      metadataOptions: { httpTokens: n % 3 === 0 ? 'optional' : 'required', httpEndpoint: 'enabled' },
      securityGroupIds: [securityGroups[n % attachedGroups]!.groupId],
      tags: { Name: `host-${n}`, team: `team-${n % 7}` },
      os: osAt(n),
    }),
  );
  const networkInterfaces: NetworkInterface[] = Array.from({ length: c.networkInterfaces }, (_, n) => ({
    networkInterfaceId: id('eni', n),
    vpcId: vpcOf(n),
    subnetId: subnets[n % subnets.length]!.subnetId,
    status: 'in-use',
    interfaceType: 'interface',
    attachedTo: instances[n % instances.length]!.instanceId,
    securityGroupIds: [securityGroups[n % attachedGroups]!.groupId],
  }));
  const buckets: Bucket[] = Array.from({ length: c.buckets }, (_, n) => ({
    name: `bucket-${accountId}-${region}-${n}`,
    region,
    createdAt: '2024-01-01T00:00:00.000Z',
    versioning: n % 3 === 0 ? 'Enabled' : n % 10 === 1 ? 'Suspended' : 'Never',
    publicAccessBlock:
      n % 2 === 0
        ? {
            blockPublicAcls: true,
            ignorePublicAcls: true,
            blockPublicPolicy: true,
            restrictPublicBuckets: true,
          }
        : null,
    encryption: 'AES256',
  }));
  const repositories: EcrRepository[] = Array.from({ length: c.repositories }, (_, n) => ({
    repositoryName: `service-${n}`,
    repositoryArn: `arn:aws:ecr:${region}:${accountId}:repository/service-${n}`,
    registryId: accountId,
    createdAt: '2024-01-01T00:00:00.000Z',
    imageTagMutability: n % 3 === 0 ? 'IMMUTABLE' : 'MUTABLE',
    scanOnPush: n % 2 === 0,
    encryptionType: 'AES256',
    policy: n % 4 === 0 ? repositoryPolicy(accountId, n / 4) : null,
    hasLifecyclePolicy: n % 5 === 0,
    tags: { team: `team-${n % 7}` },
  }));
  const managedInstances = Array.from({ length: c.managedInstances }, (_, n) =>
    makeManagedInstance({
      instanceId: n % 4 === 0 ? id('i', n) : id('mi', n),
      onPremises: n % 4 !== 0,
      name: `dc-host-${n}`,
      computerName: `dc-host-${n}.corp.example.com`,
      pingStatus: n % 9 === 0 ? 'ConnectionLost' : 'Online',
      lastPingAt: n % 9 === 0 ? '2025-05-20T00:00:00.000Z' : '2025-06-01T11:55:00.000Z',
      os: osAt(n),
    }),
  );
  const ecsClusters = Array.from({ length: c.ecsClusters }, (_, n) =>
    makeEcsCluster({
      clusterArn: `arn:aws:ecs:${region}:${accountId}:cluster/edge-${n}`,
      clusterName: `edge-${n}`,
    }),
  );
  const containerInstances = Array.from({ length: c.containerInstances }, (_, n) =>
    makeContainerInstance({
      containerInstanceArn: `arn:aws:ecs:${region}:${accountId}:container-instance/edge/${hex(base + n, 32)}`,
      clusterArn: ecsClusters[n % ecsClusters.length]!.clusterArn,
      ec2InstanceId: managedInstances[n % managedInstances.length]!.instanceId,
      external: n % 2 === 0,
      agentConnected: n % 6 !== 0,
    }),
  );
  const eksClusters = Array.from({ length: c.eksClusters }, (_, n) =>
    makeEksCluster({
      name: `cluster-${n}`,
      arn: `arn:aws:eks:${region}:${accountId}:cluster/cluster-${n}`,
      version: eksVersions[n % eksVersions.length]!,
      endpointPublicAccess: n % 2 === 0,
      publicAccessCidrs: n % 2 === 0 ? ['0.0.0.0/0'] : [],
      vpcId: vpcOf(n),
    }),
  );
  const nodegroups: EksNodegroup[] = Array.from({ length: c.nodegroups }, (_, n) => ({
    clusterName: eksClusters[n % eksClusters.length]!.name,
    nodegroupName: `ng-${n}`,
    nodegroupArn: `arn:aws:eks:${region}:${accountId}:nodegroup/cluster/ng-${n}/${hex(n, 8)}`,
    status: 'ACTIVE',
    version: eksVersions[n % eksVersions.length]!,
    amiType: amiTypes[n % amiTypes.length]!,
    capacityType: 'ON_DEMAND',
    instanceTypes: ['m5.large'],
    scaling: { minSize: 1, maxSize: 5, desiredSize: 2 },
    tags: {},
  }));

  return {
    accountId,
    region,
    collectedAt: NOW.toISOString(),
    errors: [],
    sources: {
      'ec2.vpcs': ok(vpcs),
      'ec2.subnets': ok(subnets),
      'ec2.flowLogs': ok(flowLogs),
      'ec2.networkInterfaces': ok(networkInterfaces),
      'ec2.instances': ok(instances),
      'ec2.images': ok(images),
      'ec2.securityGroups': ok(securityGroups),
      'ecs.clusters': ok(ecsClusters),
      'ecs.containerInstances': ok(containerInstances),
      'eks.clusters': ok(eksClusters),
      'eks.nodegroups': ok(nodegroups),
      'ecr.repositories': ok(repositories),
      'ecr.registryScanning': ok([{ registryId: accountId, scanType: 'BASIC', rules: [] }]),
      'ecrPublic.repositories': ok([]),
      's3.buckets': ok(buckets),
      's3.accountPublicAccessBlock': ok([{ accountId, publicAccessBlock: null }]),
      'ssm.managedInstances': ok(managedInstances),
    },
  };
}

function resourcesIn(snapshot: Snapshot): number {
  let n = 0;
  for (const source of Object.values(snapshot.sources)) if (source?.ok) n += source.items.length;
  return n;
}

export interface EvaluateCheckpoint {
  resources: number;
  evaluateMs: number;
  findings: number;
  heapRetained: number;
  rss: number;
}

export interface EvaluateBenchResult {
  resources: number;
  perSnapshot: number;
  snapshots: number;
  evaluateMs: number;
  generateMs: number;
  findings: number;
  resourcesPerSecond: number;
  heapBaseline: number;
  peakRss: number;
  peakHeap: number;
  checkpoints: EvaluateCheckpoint[];
  perRuleMs: Record<string, number>;
}

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      resources: { type: 'string', default: '1000000' },
      'per-snapshot': { type: 'string', default: '10000' },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const total = Number(values.resources);
  const perSnapshot = Number(values['per-snapshot']);
  if (
    !Number.isInteger(total) ||
    !Number.isInteger(perSnapshot) ||
    perSnapshot < 100 ||
    total < perSnapshot
  ) {
    throw new RangeError(
      `--resources and --per-snapshot take whole numbers, per-snapshot ≥ 100 and ≤ resources`,
    );
  }
  return { total, perSnapshot, json: values.json };
}

function main(): Promise<void> | void {
  const { total, perSnapshot, json } = parseOptions(process.argv.slice(2));
  const snapshotCount = Math.ceil(total / perSnapshot);
  const checkpointsAt = new Set([0.1, 0.5, 1].map((f) => Math.max(1, Math.round(snapshotCount * f))));
  const options: EvaluationOptions = {
    rules: allRules,
    ctx: { now: NOW, settings: defaultRuleSettings, lifecycle: lifecycleCatalogue },
  };
  const log = (text: string) => process.stderr.write(`[bench:evaluate] ${text}\n`);

  const heapBaseline = retainedHeap();
  const memory = memorySampler();
  // Held to the end, as a scan holds every target's snapshot and findings until it reports.
  const snapshots: Snapshot[] = [];
  const evaluations: TargetEvaluation[] = [];
  const checkpoints: EvaluateCheckpoint[] = [];
  let resources = 0;
  let findings = 0;
  let evaluateMs = 0;
  let generateMs = 0;
  for (let i = 0; i < snapshotCount; i++) {
    const generated = performance.now();
    const snapshot = syntheticSnapshot(i, perSnapshot);
    const started = performance.now();
    const evaluation = evaluateSnapshot(snapshot, options);
    const finished = performance.now();
    generateMs += started - generated;
    evaluateMs += finished - started;
    resources += resourcesIn(snapshot);
    findings += evaluation.findings.length;
    snapshots.push(snapshot);
    evaluations.push(evaluation);
    memory.sample();
    if (checkpointsAt.has(i + 1)) {
      const heapRetained = retainedHeap();
      const { rss } = process.memoryUsage();
      checkpoints.push({ resources, evaluateMs, findings, heapRetained, rss });
      log(`${thousands(resources)} resources: ${seconds(evaluateMs)} evaluating, heap ${mb(heapRetained)}`);
    }
  }
  const peak = memory.stop();
  const skipped = evaluations.reduce((n, e) => n + e.skippedRules.length, 0);

  // Per rule, over the first tenth of the snapshots: which rules the time goes to.
  const sample = snapshots.slice(0, Math.max(1, Math.round(snapshotCount / 10)));
  const sampleResources = sample.reduce((n, s) => n + resourcesIn(s), 0);
  const perRuleMs: Record<string, number> = {};
  for (const rule of allRules) {
    const started = performance.now();
    for (const snapshot of sample) evaluateSnapshot(snapshot, { ...options, rules: [rule] });
    perRuleMs[rule.id] = performance.now() - started;
  }
  collectGarbage();

  const resourcesPerSecond = resources / (evaluateMs / 1000);
  const c = composition(perSnapshot);
  const out = [
    `estatescan evaluation benchmark — ${machineLine()}`,
    '',
    `Synthetic estate: ${snapshotCount} snapshots × ${thousands(perSnapshot)} resources = ${thousands(resources)} resources, ` +
      'generated in-process (no AWS). Per snapshot: ' +
      `${c.instances} instances, ${c.networkInterfaces} network interfaces, ${c.securityGroups} security groups ` +
      `(2–3 ingress rules each), ${c.buckets} buckets, ${c.repositories} repositories (a quarter with a policy), ` +
      `${c.managedInstances} managed instances, ${c.containerInstances} ECS container instances in ${c.ecsClusters} clusters, ` +
      `${c.eksClusters} EKS clusters with ${c.nodegroups} node groups, ${c.images} AMIs, ${c.vpcs} VPCs, ${c.subnets} subnets, ` +
      `${c.flowLogs} flow logs.`,
    `Rules: all ${allRules.length}, through evaluateSnapshot (the scan's engine: findings ids, remediation text, ` +
      `suppression matching), ${skipped} skipped. Snapshots and findings are all kept, as a scan keeps them.`,
    '',
    renderTable(checkpoints, [
      { header: 'resources', value: (r) => thousands(r.resources), align: 'right' },
      { header: 'evaluation', value: (r) => seconds(r.evaluateMs), align: 'right' },
      { header: 'resources/s', value: (r) => thousands(r.resources / (r.evaluateMs / 1000)), align: 'right' },
      { header: 'findings', value: (r) => thousands(r.findings), align: 'right' },
      { header: 'heap retained', value: (r) => mb(r.heapRetained), align: 'right' },
      {
        header: 'bytes/resource',
        value: (r) => thousands((r.heapRetained - heapBaseline) / r.resources),
        align: 'right',
      },
      { header: 'RSS', value: (r) => mb(r.rss), align: 'right' },
    ]),
    '',
    `Evaluation: ${thousands(resources)} resources in ${seconds(evaluateMs)} = ${thousands(resourcesPerSecond)} ` +
      `resources/s (${thousands(findings)} findings, ${thousands(findings / (evaluateMs / 1000))} findings/s); ` +
      `generating the snapshots took ${seconds(generateMs)}, not counted.`,
    `Memory: peak RSS ${mb(peak.rss)}, peak heap ${mb(peak.heapUsed)}; heap before ${mb(heapBaseline)}. ` +
      `Retained heap per resource at ${checkpoints.map((p) => thousands(p.resources)).join(' / ')}: ` +
      `${checkpoints.map((p) => thousands((p.heapRetained - heapBaseline) / p.resources)).join(' / ')} bytes ` +
      '(constant per resource = linear growth).',
    '',
    `Time per rule over ${thousands(sampleResources)} resources (each rule alone, through the same engine):`,
    renderTable(
      Object.entries(perRuleMs).sort(([, a], [, b]) => b - a),
      [
        { header: 'rule', value: ([id]) => id },
        { header: 'time', value: ([, ms]) => `${ms.toFixed(0)} ms`, align: 'right' },
        {
          header: 'resources/s of the estate',
          value: ([, ms]) => thousands(sampleResources / (ms / 1000)),
          align: 'right',
        },
      ],
    ),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  // Keep the data alive until every figure above is read.
  if (snapshots.length !== evaluations.length) throw new Error('unreachable');
  return writeResult(json, {
    resources,
    perSnapshot,
    snapshots: snapshotCount,
    evaluateMs,
    generateMs,
    findings,
    resourcesPerSecond,
    heapBaseline,
    peakRss: peak.rss,
    peakHeap: peak.heapUsed,
    checkpoints,
    perRuleMs,
  } satisfies EvaluateBenchResult);
}

try {
  await main();
} catch (error) {
  process.stderr.write(
    `[bench:evaluate] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = 1;
}
