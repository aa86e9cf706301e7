/**
 * Structural checks of the packaged CloudFormation template, for exactly what neither cfn-lint nor
 * the emulator can tell. The packaged stack runs on the emulator (scripts/rehearsal/,
 * test/integration/deployment/packaged-stack.test.ts): plan → the Distributed Map reading
 * targets.json → scan-target → summarize, a failed target's Retry → Catch → RecordFailure item, the
 * functions' environment, the table's stream to notify, and every call each role makes against its
 * deployed policy. That wiring is not re-checked here. What the emulator (moto 5.2.1) ignores is:
 *
 * - IAM beyond "is this call allowed": least privilege (nothing granted that no call needs, one
 *   role per function, trust policies), and every condition (the member role only inside the
 *   organization, DynamoDB leading keys, kms:Decrypt tied to its parameter and to SSM); the
 *   external id reaching only the functions that assume the member role, as its parameter's name.
 * - S3 buckets beyond encryption and tags (versioning, public access block, ownership, lifecycle),
 *   bucket and topic policies (TLS only), the topic's KMS key: every bucket the stack creates, osls's
 *   deployment bucket included, passes estatescan's own S3 rules as the template configures it.
 * - The schedule, the alarms (and the stage dimension of those on estatescan's own metrics), the
 *   Slack forwarder's EventInvokeConfig and the stream mapping's failure handling (bisect,
 *   retries, dead-letter queue): moto creates none of them, or never exercises them.
 * - What the state machine does at a scale or in a failure the rehearsal does not reach:
 *   Distributed mode and STANDARD children, MaxConcurrency and ToleratedFailurePercentage (moto
 *   ignores it), no results kept in the state (the 256 KiB limit is not enforced), the retriers for
 *   Lambda's own errors and timeouts, RecordFailure's retry, every target evaluating the
 *   configuration version plan read.
 * - The findings table's settings beyond its keys and stream (point-in-time recovery, TTL,
 *   encryption) against `tableDefinition()`.
 *
 * `npm run package` runs it after cfn-lint, and test/integration/infra/template.test.ts runs it on
 * a fresh package. On its own:
 *
 *   npx tsx scripts/check-template.ts [.serverless/cloudformation-template-update-stack.json]
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { allRules } from '../rules/index.ts';
import { CONFIG_OBJECT_KEY } from '../src/config/deployed-config.ts';
import { evaluateSnapshot } from '../src/engine/evaluate.ts';
import { defaultRuleSettings } from '../src/engine/types.ts';
import { TARGET_HEALTH_PARTITION } from '../src/findings/dynamodb-store.ts';
import { tableDefinition } from '../src/findings/table.ts';
import type { Bucket, PublicAccessBlock, Snapshot } from '../src/inventory/types.ts';
import { lifecycleCatalogue } from '../src/lifecycle/catalogue.ts';
import {
  asArray,
  type CfnResource,
  type CfnTemplate,
  getAttOf,
  type PolicyStatement,
  readTemplate,
  refOf,
  roleStatements,
  substitute,
  subTextOf,
  type TemplateValue,
} from './cloudformation.ts';

/** The functions serverless.yml defines, by handler file. */
export const functionNames = [
  'plan',
  'scan-target',
  'summarize',
  'notify',
  'scan',
  'slack-forwarder',
] as const;
export type FunctionName = (typeof functionNames)[number];

/** The transient Lambda errors every invoke retries (Step Functions' own advice, plus throttling). */
export const lambdaServiceErrors = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

/**
 * Errors retrying cannot fix (the same event, or the same configuration, fails the same way): the
 * first retrier of every task gives them no attempts, before `States.ALL` could retry them.
 */
export const nonRetryableErrors = ['InvalidEventError', 'ConfigurationError'];

/** The attribute `ensureTable` turns TTL on for. */
const TTL_ATTRIBUTE = 'ttl';

/** Functions that reach member accounts, and so may assume the member role. */
const scanningFunctions: ReadonlySet<FunctionName> = new Set(['plan', 'scan-target', 'scan']);
/** Functions that evaluate rules, and so read the deployed configuration (the same three). */
const configReaders: ReadonlySet<FunctionName> = scanningFunctions;
/** What reading the deployed configuration takes: its object (any version), and a listing. */
const configObjectActions = ['s3:GetObject', 's3:GetObjectVersion'];
const configBucketActions = ['s3:ListBucket'];

/** estatescan's own CloudWatch namespace (POWERTOOLS_METRICS_NAMESPACE). */
const METRICS_NAMESPACE = 'Estatescan';

/** The deployment parameter naming the organization whose accounts alone may be scanned. */
const ORGANIZATION_ID_PARAMETER = 'OrganizationId';
/** The deployment parameter naming the external id's SSM SecureString. */
const EXTERNAL_ID_PARAMETER = 'ExternalIdParameter';

/** The ARN of an SSM parameter whose name (starting with /) is the template parameter `name`. */
const ssmParameterArn = (name: string) =>
  `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter\${${name}}`;

/**
 * A value with its `Fn::If`s decided as CloudFormation would with these parameter values (the
 * others at their defaults), `AWS::NoValue` dropped.
 */
export function withParameterValues(
  template: CfnTemplate,
  value: TemplateValue,
  values: Record<string, string>,
): TemplateValue {
  const parameter = (name: string) => values[name] ?? String(template.Parameters?.[name]?.Default ?? '');
  const operand = (v: TemplateValue): unknown => (refOf(v) ? parameter(refOf(v) as string) : v);
  const holds = (condition: TemplateValue): boolean => {
    if (typeof condition === 'boolean') return condition;
    if (condition && typeof condition === 'object') {
      if ('Condition' in condition) return holds(template.Conditions?.[String(condition.Condition)]);
      if ('Fn::Not' in condition) return !holds(condition['Fn::Not'][0]);
      if ('Fn::And' in condition) return condition['Fn::And'].every(holds);
      if ('Fn::Or' in condition) return condition['Fn::Or'].some(holds);
      if ('Fn::Equals' in condition) {
        const [a, b] = condition['Fn::Equals'];
        return operand(a) === operand(b);
      }
    }
    throw new Error(`a condition this check cannot evaluate: ${JSON.stringify(condition)}`);
  };
  const resolve = (v: TemplateValue): TemplateValue => {
    if (Array.isArray(v)) return v.map(resolve).filter((x) => x !== undefined);
    if (!v || typeof v !== 'object') return v;
    if (refOf(v) === 'AWS::NoValue') return undefined;
    if ('Fn::If' in v) {
      const [name, whenTrue, whenFalse] = v['Fn::If'];
      return resolve(holds(template.Conditions?.[name]) ? whenTrue : whenFalse);
    }
    return Object.fromEntries(
      Object.entries(v)
        .map(([k, x]) => [k, resolve(x)])
        .filter(([, x]) => x !== undefined),
    );
  };
  return resolve(value);
}

/** Actions that take no resource ARN, so `Resource: '*'` is the only way to grant them. */
const resourcelessActions = new Set([
  'organizations:ListAccounts',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  'logs:DescribeLogGroups',
]);

/** Placeholder values for pseudo parameters when a definition is resolved offline. */
const placeholders: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com',
};

interface LambdaFunction {
  id: string;
  resource: CfnResource;
}

type AslState = Record<string, TemplateValue>;
interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
}

/**
 * What a definition's `${Id.Arn}` (or `${Id}`) resolves to offline: recognisable, and valid for
 * cfn-lint. A table's or bucket's `${Id}` is its name (its own when the template gives one).
 */
export function placeholderArn(template: CfnTemplate, name: string): string {
  if (placeholders[name]) return placeholders[name];
  const [id, attribute] = name.split('.');
  const resource = id ? template.Resources[id] : undefined;
  if (resource?.Type === 'AWS::Lambda::Function' && attribute === 'Arn') {
    return `arn:aws:lambda:us-east-1:123456789012:function:${id}`;
  }
  if (
    id &&
    attribute === undefined &&
    ['AWS::DynamoDB::Table', 'AWS::S3::Bucket'].includes(resource?.Type ?? '')
  ) {
    const own = resource?.Properties?.TableName ?? resource?.Properties?.BucketName;
    return typeof own === 'string' ? own : id.toLowerCase();
  }
  return `arn:aws:states:us-east-1:123456789012:unresolved:${name}`;
}

/** A state machine's definition, with parameters at their defaults and ARNs as placeholders. */
export function resolvedDefinition(template: CfnTemplate, stateMachineId: string): AslMachine {
  const properties = template.Resources[stateMachineId]?.Properties ?? {};
  if (properties.Definition) {
    const substitutions: Record<string, unknown> = properties.DefinitionSubstitutions ?? {};
    const text = JSON.stringify(properties.Definition).replace(/\$\{([^}]+)\}/g, (whole, key: string) => {
      const value = substitutions[key];
      if (value === undefined) return whole;
      const ref = refOf(value);
      const getAtt = getAttOf(value);
      if (ref && template.Parameters?.[ref]) return String(template.Parameters[ref].Default);
      if (getAtt) return placeholderArn(template, getAtt.join('.'));
      return String(value);
    });
    return JSON.parse(text) as AslMachine;
  }
  const raw = properties.DefinitionString;
  const text = typeof raw === 'string' ? raw : subTextOf(raw);
  if (text === undefined) throw new Error(`${stateMachineId} has neither Definition nor DefinitionString`);
  return JSON.parse(substitute(text, template, (name) => placeholderArn(template, name))) as AslMachine;
}

/**
 * A copy of the template whose state machines carry their resolved definition as a `Definition`
 * object, so that cfn-lint validates the States Language too (it cannot see inside Fn::Sub text).
 */
export function withResolvedDefinitions(template: CfnTemplate): CfnTemplate {
  const copy = structuredClone(template);
  for (const [id, resource] of Object.entries(copy.Resources)) {
    if (resource.Type !== 'AWS::StepFunctions::StateMachine' || !resource.Properties) continue;
    const definition = resolvedDefinition(template, id);
    delete resource.Properties.DefinitionString;
    delete resource.Properties.DefinitionSubstitutions;
    resource.Properties.Definition = definition;
  }
  return copy;
}

/** Whether a template value refers to a resource (a Ref, a GetAtt, or a `${Id…}` in a Sub). */
function mentionsResource(value: unknown, id: string): boolean {
  return new RegExp(`[^\\w]${id}[^\\w]`).test(JSON.stringify(value));
}

function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

function actionsOf(statement: PolicyStatement): string[] {
  return asArray(statement.Action);
}

function environmentOf(fn: LambdaFunction | undefined): Record<string, unknown> {
  return fn?.resource.Properties?.Environment?.Variables ?? {};
}

/** The Lambda function a Task state invokes (optimized integration or direct ARN), by logical id. */
function invokedFunction(state: AslState): string | undefined {
  const target =
    typeof state.Resource === 'string' && state.Resource.endsWith(':states:::lambda:invoke')
      ? state.Parameters?.FunctionName
      : state.Resource;
  const match = typeof target === 'string' ? /:function:([^:]+)/.exec(target) : null;
  return match?.[1];
}

class TemplateChecker {
  readonly problems: string[] = [];
  readonly functions = new Map<FunctionName, LambdaFunction>();

  constructor(readonly template: CfnTemplate) {}

  problem(message: string): void {
    this.problems.push(message);
  }

  run(): string[] {
    this.findFunctions();
    this.checkRoles();
    this.checkExternalId();
    const stateMachineId = this.checkStateMachine();
    this.checkTable();
    this.checkBuckets();
    this.checkRunsBucket();
    this.checkConfigBucket();
    this.checkMetricsDimensions();
    if (stateMachineId) this.checkStateMachineRole(stateMachineId);
    this.checkTopic();
    this.checkNotifier();
    this.checkSlackForwarder();
    if (stateMachineId) {
      this.checkSchedule(stateMachineId);
      this.checkAlarms(stateMachineId);
      this.checkOnDemand(stateMachineId);
    }
    return this.problems;
  }

  findFunctions(): void {
    for (const [id, resource] of resourcesOfType(this.template, 'AWS::Lambda::Function')) {
      const handler = String(resource.Properties?.Handler ?? '');
      const name = /^functions\/([\w-]+)\.handler$/.exec(handler)?.[1] as FunctionName | undefined;
      if (!name || !functionNames.includes(name)) {
        this.problem(`${id}: unexpected handler "${handler}" (expected functions/<name>.handler)`);
        continue;
      }
      this.functions.set(name, { id, resource });
      const properties = resource.Properties ?? {};
      if (properties.Runtime !== 'nodejs22.x')
        this.problem(`${name}: runtime ${properties.Runtime}, not nodejs22.x`);
      if (JSON.stringify(properties.Architectures) !== '["arm64"]') this.problem(`${name}: not arm64`);
      if (typeof properties.Timeout !== 'number' || properties.Timeout > 900) {
        this.problem(`${name}: timeout ${properties.Timeout} (Lambda allows at most 900 s)`);
      }
    }
    for (const name of functionNames)
      if (!this.functions.has(name)) this.problem(`function ${name} is missing`);
  }

  /** One role per function, trusted by Lambda only, least privilege. */
  checkRoles(): void {
    if (this.template.Resources.IamRoleLambdaExecution) {
      this.problem(
        'the shared osls role IamRoleLambdaExecution exists: every function must have its own role',
      );
    }
    const owners = new Map<string, FunctionName>();
    for (const [name, fn] of this.functions) {
      const roleId = getAttOf(fn.resource.Properties?.Role)?.[0];
      const role = roleId ? this.template.Resources[roleId] : undefined;
      if (!roleId || role?.Type !== 'AWS::IAM::Role') {
        this.problem(`${name}: its Role is not a role of this template`);
        continue;
      }
      const owner = owners.get(roleId);
      if (owner) this.problem(`${name} and ${owner} share the role ${roleId}: each function needs its own`);
      owners.set(roleId, name);
      this.checkLambdaTrust(name, role);
      this.checkRolePolicy(name, fn, roleId);
    }
  }

  checkLambdaTrust(name: FunctionName, role: CfnResource): void {
    const trust = asArray(
      role.Properties?.AssumeRolePolicyDocument?.Statement as PolicyStatement[] | undefined,
    );
    const principals = trust.map((s) => JSON.stringify(s.Principal));
    if (principals.length !== 1 || principals[0] !== '{"Service":"lambda.amazonaws.com"}') {
      this.problem(`${name}: its role must trust lambda.amazonaws.com only (got ${principals.join(', ')})`);
    }
  }

  checkRolePolicy(name: FunctionName, fn: LambdaFunction, roleId: string): void {
    const statements = roleStatements(this.template, roleId);
    const memberRoleName = String(environmentOf(fn).MEMBER_ROLE_NAME ?? '');
    const memberRoleArn = `arn:\${AWS::Partition}:iam::*:role/${memberRoleName}`;
    for (const statement of statements) {
      const where = `${name} (${roleId}${statement.Sid ? `/${statement.Sid}` : ''})`;
      if (statement.NotAction || statement.NotResource)
        this.problem(`${where}: NotAction/NotResource grants too much`);
      for (const action of actionsOf(statement)) {
        if (action === '*' || action.endsWith(':*')) this.problem(`${where}: wildcard action ${action}`);
        const resources = asArray(statement.Resource);
        if (resources.includes('*') && !resourcelessActions.has(action)) {
          this.problem(`${where}: ${action} on every resource ('*')`);
        }
        if (action.startsWith('sts:')) {
          if (action !== 'sts:AssumeRole' || !scanningFunctions.has(name)) {
            this.problem(`${where}: ${action} is not for this function`);
          }
          const targets = resources.map((r) => subTextOf(r) ?? r);
          if (memberRoleName === '' || targets.length !== 1 || targets[0] !== memberRoleArn) {
            this.problem(
              `${where}: sts:AssumeRole only on ${memberRoleArn} (got ${JSON.stringify(targets)})`,
            );
          }
          this.checkInsideOrganization(where, statement);
        }
        if (action === 'kms:Decrypt') this.checkParameterDecrypt(where, statement, statements);
      }
      const onIndexes = asArray(statement.Resource)
        .map((r) => subTextOf(r) ?? JSON.stringify(r))
        .filter((r) => r.includes('/index/'));
      if (onIndexes.length > 0) {
        this.problem(
          `${where}: ${onIndexes.join(', ')}: no function reads the table's index (only the CLI's queries do)`,
        );
      }
    }
    if (scanningFunctions.has(name) && !statements.some((s) => actionsOf(s).includes('sts:AssumeRole'))) {
      this.problem(`${name}: cannot assume the member role`);
    }
    if (name === 'scan-target') {
      const services = new Set(
        statements
          .filter((s) => !this.readsExternalId(s) && !this.readsConfig(s))
          .flatMap((s) => actionsOf(s).map((a) => a.split(':')[0])),
      );
      const extra = [...services].filter((s) => !['sts', 'dynamodb', 'logs', 'xray'].includes(String(s)));
      if (extra.length > 0) {
        this.problem(
          `scan-target: reads AWS only through the member role (and the deployed configuration), yet its role grants ${extra.join(', ')}`,
        );
      }
    }
  }

  /**
   * With an organization id, a role may assume the member role only in that organization's
   * accounts (aws:ResourceOrgID); without one, the condition goes away (AWS::NoValue).
   */
  checkInsideOrganization(where: string, statement: PolicyStatement): void {
    const parameter = this.template.Parameters?.[ORGANIZATION_ID_PARAMETER];
    if (!parameter) {
      this.problem(`the template has no ${ORGANIZATION_ID_PARAMETER} parameter to keep the scans inside`);
      return;
    }
    let withOrg: TemplateValue;
    try {
      withOrg = withParameterValues(this.template, statement.Condition, {
        [ORGANIZATION_ID_PARAMETER]: 'o-exampleorgid',
      });
    } catch (error) {
      this.problem(`${where}: ${(error as Error).message}`);
      return;
    }
    const orgId = withOrg?.StringEquals?.['aws:ResourceOrgID'];
    if (refOf(orgId) !== ORGANIZATION_ID_PARAMETER) {
      this.problem(
        `${where}: with ${ORGANIZATION_ID_PARAMETER} set, sts:AssumeRole needs StringEquals aws:ResourceOrgID ` +
          `= Ref ${ORGANIZATION_ID_PARAMETER} (got ${JSON.stringify(withOrg ?? null)})`,
      );
    }
  }

  /**
   * A kms:Decrypt on every key of the account (a SecureString's key is not known in advance) must
   * be through SSM and for the role's own parameters only: `kms:ViaService` and the parameter's ARN
   * as `kms:EncryptionContext:PARAMETER_ARN`, the ARN the role may ssm:GetParameter.
   */
  checkParameterDecrypt(where: string, statement: PolicyStatement, statements: PolicyStatement[]): void {
    const resources = asArray(statement.Resource);
    if (resources.every((r) => getAttOf(r)?.[1] === 'Arn')) return; // named keys, e.g. the topic's
    const equals = (statement.Condition?.StringEquals ?? {}) as Record<string, unknown>;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax.
    if (subTextOf(equals['kms:ViaService']) !== 'ssm.${AWS::Region}.amazonaws.com') {
      this.problem(`${where}: kms:Decrypt on any key needs kms:ViaService ssm.<region>.amazonaws.com`);
    }
    const readable = statements
      .filter((s) => actionsOf(s).includes('ssm:GetParameter'))
      .flatMap((s) => asArray(s.Resource).map((r) => subTextOf(r)));
    const context = subTextOf(equals['kms:EncryptionContext:PARAMETER_ARN']);
    if (!context || !readable.includes(context)) {
      this.problem(
        `${where}: kms:Decrypt on any key needs kms:EncryptionContext:PARAMETER_ARN = the parameter's ARN ` +
          `(one of ${JSON.stringify(readable)}; got ${JSON.stringify(context ?? null)})`,
      );
    }
  }

  /** The statements of the external id's read: its GetParameter, and the Decrypt tied to it. */
  readsExternalId(statement: PolicyStatement): boolean {
    const arn = ssmParameterArn(EXTERNAL_ID_PARAMETER);
    const actions = actionsOf(statement);
    const resources = asArray(statement.Resource).map((r) => subTextOf(r));
    if (actions.length === 1 && actions[0] === 'ssm:GetParameter') {
      return resources.length === 1 && resources[0] === arn;
    }
    const context = (statement.Condition?.StringEquals as Record<string, unknown> | undefined)?.[
      'kms:EncryptionContext:PARAMETER_ARN'
    ];
    return actions.length === 1 && actions[0] === 'kms:Decrypt' && subTextOf(context) === arn;
  }

  /**
   * The external id: no function is given its value (`EXTERNAL_ID`); the functions that assume the
   * member role, and only they, get the name of its SSM SecureString (a required parameter) and
   * may read that parameter; no other role may.
   */
  checkExternalId(): void {
    const parameter = this.template.Parameters?.[EXTERNAL_ID_PARAMETER];
    const pattern =
      typeof parameter?.AllowedPattern === 'string' ? new RegExp(parameter.AllowedPattern) : undefined;
    if (!parameter || !pattern || pattern.test('') || !pattern.test('/estatescan/prod/external-id')) {
      this.problem(
        `${EXTERNAL_ID_PARAMETER}: a required parameter whose AllowedPattern takes an SSM name starting with /`,
      );
    }
    for (const [name, fn] of this.functions) {
      const env = environmentOf(fn);
      if ('EXTERNAL_ID' in env) {
        this.problem(
          `${name}: EXTERNAL_ID puts the external id in its environment: name its parameter instead`,
        );
      }
      const named = refOf(env.EXTERNAL_ID_PARAMETER) === EXTERNAL_ID_PARAMETER;
      if (scanningFunctions.has(name) && !named) {
        this.problem(`${name}: EXTERNAL_ID_PARAMETER must be Ref ${EXTERNAL_ID_PARAMETER}`);
      }
      if (!scanningFunctions.has(name) && 'EXTERNAL_ID_PARAMETER' in env) {
        this.problem(`${name}: assumes no role, so it must not be told where the external id is`);
      }
      const roleId = getAttOf(fn.resource.Properties?.Role)?.[0] ?? '';
      const reads = roleStatements(this.template, roleId).filter((s) => this.readsExternalId(s));
      const actions = new Set(reads.flatMap(actionsOf));
      if (scanningFunctions.has(name) && !(actions.has('ssm:GetParameter') && actions.has('kms:Decrypt'))) {
        this.problem(`${name}: its role cannot read and decrypt the external id's parameter`);
      }
      if (!scanningFunctions.has(name) && reads.length > 0) {
        this.problem(`${name}: its role may read the external id, which it does not need`);
      }
    }
  }

  checkStateMachine(): string | undefined {
    const machines = resourcesOfType(this.template, 'AWS::StepFunctions::StateMachine');
    if (machines.length !== 1) {
      this.problem(`expected one state machine, found ${machines.length}`);
      return undefined;
    }
    const [id, resource] = machines[0]!;
    if ((resource.Properties?.StateMachineType ?? 'STANDARD') !== 'STANDARD') {
      this.problem(`${id}: a Distributed Map needs a STANDARD state machine`);
    }
    let definition: AslMachine;
    try {
      definition = resolvedDefinition(this.template, id);
    } catch (error) {
      this.problem(`${id}: the definition does not parse (${(error as Error).message})`);
      return id;
    }
    const arnOf = (name: FunctionName) => this.functions.get(name)?.id;
    const start = definition.States[definition.StartAt];
    if (start?.Type !== 'Task' || invokedFunction(start) !== arnOf('plan')) {
      this.problem('the state machine must start by invoking plan');
    } else {
      this.checkRetry('the Plan task', start, false);
    }
    const mapEntry = Object.entries(definition.States).find(([, s]) => s.Type === 'Map');
    if (!mapEntry) {
      this.problem('the state machine has no Map state');
      return id;
    }
    const [mapName, map] = mapEntry;
    if (start?.Next !== mapName) this.problem(`plan must lead to the ${mapName} map`);
    this.checkMap(mapName, map, arnOf('scan-target'));
    const after = map.Next ? definition.States[map.Next] : undefined;
    if (after?.Type !== 'Task' || invokedFunction(after) !== arnOf('summarize')) {
      this.problem(`${mapName} must lead to a task invoking summarize`);
    } else {
      this.checkRetry('the Summarize task', after, false);
      const payload = after.Parameters?.Payload ?? {};
      if ('results.$' in payload || after.Parameters?.['Payload.$'] !== undefined) {
        this.problem(
          'the Summarize task: summarize reads the run from the table; pass it the run, not the state',
        );
      }
    }
    return id;
  }

  checkMap(name: string, map: AslState, scanTargetId: string | undefined): void {
    const where = `the ${name} map`;
    const config = map.ItemProcessor?.ProcessorConfig ?? {};
    if (config.Mode !== 'DISTRIBUTED')
      this.problem(`${where}: ProcessorConfig.Mode is ${config.Mode}, not DISTRIBUTED`);
    if (config.ExecutionType !== 'STANDARD')
      this.problem(`${where}: ExecutionType must be STANDARD (child runs exceed 5 minutes)`);
    const concurrency = map.MaxConcurrency;
    if (
      map.MaxConcurrencyPath === undefined &&
      !(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 10_000)
    ) {
      this.problem(
        `${where}: MaxConcurrency must be a number from 1 to 10,000 (got ${JSON.stringify(concurrency)})`,
      );
    }
    const tolerated = map.ToleratedFailurePercentage;
    if (
      map.ToleratedFailurePercentagePath === undefined &&
      !(typeof tolerated === 'number' && tolerated >= 0 && tolerated <= 100)
    ) {
      this.problem(
        `${where}: ToleratedFailurePercentage must be a number from 0 to 100 (got ${JSON.stringify(tolerated)})`,
      );
    }
    this.checkItemReader(where, map);
    const selector = map.ItemSelector ?? {};
    if (!('configVersion.$' in selector)) this.problem(`${where}: ItemSelector lacks configVersion.$`);
    if (selector['configVersion.$'] !== undefined && selector['configVersion.$'] !== '$.configVersion') {
      this.problem(
        `${where}: every target must evaluate the configuration version plan read ($.configVersion), ` +
          `not ${JSON.stringify(selector['configVersion.$'])}`,
      );
    }
    if (!('ResultPath' in map) || map.ResultPath !== null) {
      this.problem(
        `${where}: ResultPath must be null: every child's result would pile up in the state, which ` +
          'holds 256 KiB (the outcomes are in the table)',
      );
    }
    const processor = map.ItemProcessor as AslMachine | undefined;
    if (!processor?.States) {
      this.problem(`${where}: no ItemProcessor states`);
      return;
    }
    const task = processor.States[processor.StartAt];
    if (task?.Type !== 'Task' || invokedFunction(task) !== scanTargetId) {
      this.problem(`${where}: each item must invoke scan-target`);
      return;
    }
    this.checkRetry(`${where}'s task`, task, true);
    if (!('OutputPath' in task) || task.OutputPath !== null) {
      this.problem(
        `${where}'s task: OutputPath must be null (a child's output is {}): the outcome is in the table, ` +
          "and the map gathers every child's output",
      );
    }
    const catchers = asArray(task.Catch as { ErrorEquals: string[]; Next: string; ResultPath?: string }[]);
    const catchAll = catchers.find((c) => c.ErrorEquals.includes('States.ALL'));
    if (!catchAll) {
      this.problem(`${where}: a failed target must be caught (Catch on States.ALL)`);
      return;
    }
    if (catchAll.ResultPath !== '$.error') {
      this.problem(`${where}: the catch must keep the item and put the error at $.error (ResultPath)`);
    }
    this.checkRecordFailure(where, processor.States[catchAll.Next], catchAll.Next);
  }

  /**
   * The targets never go through the state (256 KiB at most, which a few thousand targets exceed):
   * the map reads the plan's targets.json from S3. How it reads it runs in the rehearsal.
   */
  checkItemReader(where: string, map: AslState): void {
    if (map.ItemsPath !== undefined || map.Items !== undefined) {
      this.problem(`${where}: the targets must come from S3 (ItemReader), not through the state (ItemsPath)`);
    }
    if (!map.ItemReader) {
      this.problem(`${where}: no ItemReader: the targets must be read from the runs bucket`);
    }
  }

  /**
   * The catch's state ends the child without failing it, keeps nothing in the state, and retries its
   * write. (The item it writes, which summarize reads, runs in the rehearsal.)
   */
  checkRecordFailure(where: string, recorder: AslState | undefined, name: string): void {
    if (!recorder || recorder.Type === 'Fail' || !recorder.End) {
      this.problem(`${where}: the catch must end the item without failing it`);
      return;
    }
    if (!('OutputPath' in recorder) || recorder.OutputPath !== null) {
      this.problem(`${where}: ${name}'s OutputPath must be null (a child's output is {})`);
    }
    const retries = asArray(recorder.Retry as { ErrorEquals: string[]; MaxAttempts?: number }[]);
    if (!retries.some((r) => r.ErrorEquals.includes('States.ALL') && (r.MaxAttempts ?? 3) >= 1)) {
      this.problem(`${where}: ${name} must retry (a throttled write would lose the failure)`);
    }
  }

  /**
   * Retries: first no attempts for what cannot succeed again, then Lambda's transient errors (and
   * timeouts, for scans) with backoff and jitter, last a bounded `States.ALL` for the rest (STS, the
   * table, S3).
   */
  checkRetry(where: string, task: AslState, scans: boolean): void {
    const retriers = asArray(
      task.Retry as {
        ErrorEquals: string[];
        MaxAttempts?: number;
        BackoffRate?: number;
        JitterStrategy?: string;
        IntervalSeconds?: number;
      }[],
    );
    const covered = new Set(retriers.flatMap((r) => r.ErrorEquals));
    const wanted = scans ? [...lambdaServiceErrors, 'States.Timeout'] : lambdaServiceErrors;
    const missing = wanted.filter((e) => !covered.has(e));
    if (missing.length > 0) this.problem(`${where}: no retry on ${missing.join(', ')}`);
    const [first] = retriers;
    if (
      !first ||
      !nonRetryableErrors.every((e) => first.ErrorEquals.includes(e)) ||
      first.MaxAttempts !== 0
    ) {
      this.problem(
        `${where}: the first retrier must give ${nonRetryableErrors.join(', ')} no attempts (MaxAttempts 0)`,
      );
    }
    const catchAll = retriers.findIndex((r) => r.ErrorEquals.includes('States.ALL'));
    if (catchAll < 0) {
      this.problem(`${where}: no States.ALL retrier for transient failures (STS, DynamoDB, S3)`);
    } else {
      const last = retriers[catchAll]!;
      if (catchAll !== retriers.length - 1 || last.ErrorEquals.length !== 1) {
        this.problem(`${where}: States.ALL must be alone in the last retrier`);
      }
      if (!((last.MaxAttempts ?? 3) >= 1 && (last.MaxAttempts ?? 3) <= 3)) {
        this.problem(`${where}: the States.ALL retrier must make 1 to 3 attempts (got ${last.MaxAttempts})`);
      }
    }
    for (const r of retriers) {
      if (r === first && first.MaxAttempts === 0) continue;
      if ((r.MaxAttempts ?? 3) < 1)
        this.problem(`${where}: a retrier with no attempts (${r.ErrorEquals.join(', ')})`);
      if ((r.BackoffRate ?? 2) <= 1)
        this.problem(`${where}: no exponential backoff for ${r.ErrorEquals.join(', ')}`);
      if (scans && r.JitterStrategy !== 'FULL')
        this.problem(`${where}: no jitter for ${r.ErrorEquals.join(', ')}`);
    }
  }

  /**
   * Every bucket of the stack, osls's deployment bucket too, passes estatescan's own S3 rules as
   * a scan of this account would see it (its versioning and Block Public Access from the template;
   * the account's own block assumed off, so the bucket must carry its own), and is encrypted, has
   * ACLs disabled and a policy that denies every request without TLS.
   */
  checkBuckets(): void {
    const buckets = resourcesOfType(this.template, 'AWS::S3::Bucket');
    if (!buckets.some(([id]) => id === 'ServerlessDeploymentBucket')) {
      // A named deploymentBucket is not the stack's: its settings are the owner's business.
      this.problem('ServerlessDeploymentBucket is missing: is provider.deploymentBucket a name?');
    }
    const items: Bucket[] = buckets.map(([id, bucket]) => {
      const p = bucket.Properties ?? {};
      const block = p.PublicAccessBlockConfiguration as Record<string, unknown> | undefined;
      const algorithm = asArray(
        p.BucketEncryption?.ServerSideEncryptionConfiguration as
          | { ServerSideEncryptionByDefault?: { SSEAlgorithm?: string } }[]
          | undefined,
      )[0]?.ServerSideEncryptionByDefault?.SSEAlgorithm;
      const status = p.VersioningConfiguration?.Status;
      return {
        name: id,
        region: placeholders['AWS::Region'] as string,
        versioning: status === 'Enabled' ? 'Enabled' : status === 'Suspended' ? 'Suspended' : 'Never',
        publicAccessBlock: block
          ? ({
              blockPublicAcls: block.BlockPublicAcls === true,
              ignorePublicAcls: block.IgnorePublicAcls === true,
              blockPublicPolicy: block.BlockPublicPolicy === true,
              restrictPublicBuckets: block.RestrictPublicBuckets === true,
            } satisfies PublicAccessBlock)
          : null,
        encryption: algorithm ?? null,
      };
    });
    const accountId = placeholders['AWS::AccountId'] as string;
    const snapshot: Snapshot = {
      accountId,
      region: placeholders['AWS::Region'] as string,
      collectedAt: new Date().toISOString(),
      sources: {
        's3.buckets': { ok: true, items },
        's3.accountPublicAccessBlock': { ok: true, items: [{ accountId, publicAccessBlock: null }] },
      },
      errors: [],
    };
    const rules = allRules.filter((rule) => rule.requires.every((source) => source in snapshot.sources));
    const { findings } = evaluateSnapshot(snapshot, {
      rules,
      ctx: { now: new Date(), settings: defaultRuleSettings, lifecycle: lifecycleCatalogue },
    });
    for (const finding of findings) {
      this.problem(`${finding.resourceId}: estatescan's own ${finding.ruleId} flags it: ${finding.message}`);
    }
    for (const [id, bucket] of buckets) {
      const p = bucket.Properties ?? {};
      if (!items.find((b) => b.name === id)?.encryption) {
        this.problem(`${id}: no default encryption (BucketEncryption)`);
      }
      const ownership = asArray(p.OwnershipControls?.Rules as { ObjectOwnership?: string }[] | undefined);
      if (!ownership.some((r) => r.ObjectOwnership === 'BucketOwnerEnforced')) {
        this.problem(`${id}: ACLs must be disabled (OwnershipControls BucketOwnerEnforced)`);
      }
      if (p.VersioningConfiguration?.Status === 'Enabled' && !this.expiresOldVersions(p)) {
        this.problem(`${id}: versioned, so its lifecycle must expire noncurrent versions`);
      }
      if (!this.tlsOnly(id)) {
        this.problem(`${id}: its bucket policy must deny every request without TLS (aws:SecureTransport)`);
      }
    }
  }

  expiresOldVersions(properties: Record<string, TemplateValue>): boolean {
    return asArray(
      properties.LifecycleConfiguration?.Rules as
        | { Status?: string; NoncurrentVersionExpiration?: unknown }[]
        | undefined,
    ).some((r) => r.Status === 'Enabled' && r.NoncurrentVersionExpiration !== undefined);
  }

  /**
   * A policy on the bucket denies any principal every S3 action without TLS, on the bucket and its
   * objects (written `${Bucket.Arn}` and `${Bucket.Arn}/*`, or as osls joins them).
   */
  tlsOnly(bucketId: string): boolean {
    const mentions = (r: unknown) => mentionsResource(r, bucketId);
    // `${Bucket.Arn}/*`, or osls's Fn::Join whose last part is "/*"
    const objects = (r: unknown) => JSON.stringify(r).includes('/*"');
    return resourcesOfType(this.template, 'AWS::S3::BucketPolicy').some(([, policy]) => {
      if (refOf(policy.Properties?.Bucket) !== bucketId) return false;
      const statements = asArray(
        policy.Properties?.PolicyDocument?.Statement as PolicyStatement[] | undefined,
      );
      return statements.some((st) => {
        const resources = asArray(st.Resource).filter(mentions);
        return (
          st.Effect === 'Deny' &&
          JSON.stringify(st.Principal) === '"*"' &&
          asArray(st.Action).includes('s3:*') &&
          String(st.Condition?.Bool?.['aws:SecureTransport']) === 'false' &&
          resources.some((r) => !objects(r)) &&
          resources.some(objects)
        );
      });
    });
  }

  /** The statements that read the deployed configuration (its object, and a listing of its bucket). */
  readsConfig(statement: PolicyStatement): boolean {
    const bucketId = refOf(environmentOf(this.functions.get('plan')).CONFIG_BUCKET);
    if (!bucketId) return false;
    const resources = asArray(statement.Resource);
    const actions = actionsOf(statement);
    const onObject = resources.every((r) => subTextOf(r) === `\${${bucketId}.Arn}/${CONFIG_OBJECT_KEY}`);
    const onBucket = resources.every((r) => getAttOf(r)?.join('.') === `${bucketId}.Arn`);
    return (
      resources.length > 0 &&
      ((onObject && actions.every((a) => configObjectActions.includes(a))) ||
        (onBucket && actions.every((a) => configBucketActions.includes(a))))
    );
  }

  /**
   * The deployed configuration: the functions that evaluate rules (and only they) are told its
   * bucket and may read its one object, any version, and list the bucket; no role may write it
   * (`estatescan config push` runs with the operator's credentials).
   */
  checkConfigBucket(): void {
    const bucketId = refOf(environmentOf(this.functions.get('plan')).CONFIG_BUCKET);
    if (!bucketId || this.template.Resources[bucketId]?.Type !== 'AWS::S3::Bucket') {
      this.problem(
        'plan: CONFIG_BUCKET does not name a bucket of this template (the deployed configuration)',
      );
      return;
    }
    const objects = `\${${bucketId}.Arn}/${CONFIG_OBJECT_KEY}`;
    for (const [name, fn] of this.functions) {
      const env = environmentOf(fn);
      const told = refOf(env.CONFIG_BUCKET) === bucketId;
      if (configReaders.has(name) && !told) this.problem(`${name}: CONFIG_BUCKET must be Ref ${bucketId}`);
      if (!configReaders.has(name) && 'CONFIG_BUCKET' in env) {
        this.problem(`${name}: evaluates no rule, so it must not be told where the configuration is`);
      }
      if ('CONFIG_FILE' in env)
        this.problem(`${name}: CONFIG_FILE is not read; the configuration is in ${bucketId}`);
      const roleId = getAttOf(fn.resource.Properties?.Role)?.[0] ?? '';
      const granted = new Set(
        roleStatements(this.template, roleId)
          .filter((st) => this.readsConfig(st))
          .flatMap(actionsOf),
      );
      const needed = [...configObjectActions, ...configBucketActions];
      if (configReaders.has(name)) {
        const lacking = needed.filter((a) => !granted.has(a));
        if (lacking.length > 0)
          this.problem(`${name}: needs ${lacking.join(', ')} on ${objects} (the deployed configuration)`);
      } else if (granted.size > 0) {
        this.problem(`${name}: may read the deployed configuration, which it does not need`);
      }
    }
    for (const [roleId] of resourcesOfType(this.template, 'AWS::IAM::Role')) {
      for (const st of roleStatements(this.template, roleId)) {
        if (!asArray(st.Resource).some((r) => mentionsResource(r, bucketId))) continue;
        if (!this.readsConfig(st)) {
          this.problem(
            `${roleId}${st.Sid ? `/${st.Sid}` : ''}: ${actionsOf(st).join(', ')} on the configuration bucket: ` +
              `only ${[...configObjectActions, ...configBucketActions].join(', ')} on ${objects} and its bucket`,
          );
        }
      }
    }
  }

  /**
   * Metrics carry the stage: every function publishes with `STAGE` set (the metrics' `stage`
   * dimension, with `service`), one stage for all, and every alarm on estatescan's own metrics names
   * exactly those dimensions, or it would watch a series nothing publishes.
   */
  checkMetricsDimensions(): void {
    const stages = new Set([...this.functions.values()].map((fn) => environmentOf(fn).STAGE));
    const [stage] = stages;
    if (stages.size !== 1 || typeof stage !== 'string' || stage === '') {
      this.problem(
        `every function needs the same STAGE (its metrics' stage dimension); got ${JSON.stringify([...stages])}`,
      );
      return;
    }
    for (const [name, fn] of this.functions) {
      if (environmentOf(fn).POWERTOOLS_METRICS_NAMESPACE !== METRICS_NAMESPACE) {
        this.problem(`${name}: POWERTOOLS_METRICS_NAMESPACE must be ${METRICS_NAMESPACE}`);
      }
    }
    const service = environmentOf([...this.functions.values()][0]).POWERTOOLS_SERVICE_NAME;
    let invalidConfiguration = false;
    for (const [id, alarm] of resourcesOfType(this.template, 'AWS::CloudWatch::Alarm')) {
      const a = alarm.Properties ?? {};
      const metrics = [
        { Namespace: a.Namespace, MetricName: a.MetricName, Dimensions: a.Dimensions },
        ...asArray(a.Metrics as { MetricStat?: { Metric: Record<string, TemplateValue> } }[] | undefined).map(
          (m) => m.MetricStat?.Metric ?? {},
        ),
      ].filter((m) => m.Namespace === METRICS_NAMESPACE);
      for (const m of metrics) {
        const dimensions = Object.fromEntries(
          asArray(m.Dimensions as { Name: string; Value: unknown }[] | undefined).map((d) => [
            d.Name,
            d.Value,
          ]),
        );
        if (JSON.stringify(dimensions) !== JSON.stringify({ service, stage })) {
          this.problem(
            `${id}: alarms on ${METRICS_NAMESPACE}/${String(m.MetricName)} must name the dimensions the functions publish, ` +
              `service=${String(service)} and stage=${stage} (got ${JSON.stringify(dimensions)})`,
          );
        }
        if (m.MetricName === 'InvalidConfiguration' && asArray(a.AlarmActions).length > 0)
          invalidConfiguration = true;
      }
    }
    if (!invalidConfiguration) {
      this.problem(
        'no alarm (with an action) on InvalidConfiguration: an invalid deployed configuration would fail runs silently',
      );
    }
  }

  /**
   * The runs bucket plan writes the targets to expires them (encrypted, private and TLS only like
   * every bucket: `checkBuckets`).
   */
  checkRunsBucket(): void {
    const plan = this.functions.get('plan');
    const id = refOf(environmentOf(plan).RUNS_BUCKET);
    const bucket = id ? this.template.Resources[id] : undefined;
    if (!id || bucket?.Type !== 'AWS::S3::Bucket') {
      this.problem('plan: RUNS_BUCKET does not name a bucket of this template');
      return;
    }
    const p = bucket.Properties ?? {};
    const expiring = asArray(
      p.LifecycleConfiguration?.Rules as
        | { Status?: string; Prefix?: string; Filter?: { Prefix?: string }; ExpirationInDays?: number }[]
        | undefined,
    ).some(
      (r) =>
        r.Status === 'Enabled' &&
        (r.Prefix ?? r.Filter?.Prefix) === 'runs/' &&
        typeof r.ExpirationInDays === 'number' &&
        r.ExpirationInDays <= 30,
    );
    if (!expiring) this.problem(`${id}: no lifecycle rule expiring runs/ within 30 days`);
    this.checkBucketGrants(id);
  }

  /** Only plan writes the runs bucket and only the state machine reads it, under runs/ only. */
  checkBucketGrants(bucketId: string): void {
    const objects = `\${${bucketId}.Arn}/runs/*`;
    const roleOf = (name: FunctionName) => getAttOf(this.functions.get(name)?.resource.Properties?.Role)?.[0];
    const stateMachineRole = resourcesOfType(this.template, 'AWS::StepFunctions::StateMachine')
      .map(([, m]) => getAttOf(m.Properties?.RoleArn)?.[0])
      .find(Boolean);
    const allowed: Record<string, string[]> = {};
    const planRole = roleOf('plan');
    if (planRole) allowed[planRole] = ['s3:PutObject'];
    if (stateMachineRole) allowed[stateMachineRole] = ['s3:GetObject'];
    for (const [roleId] of resourcesOfType(this.template, 'AWS::IAM::Role')) {
      const grants = roleStatements(this.template, roleId).filter((st) =>
        asArray(st.Resource).some((r) => JSON.stringify(r).includes(bucketId)),
      );
      const granted = new Set<string>();
      for (const st of grants) {
        const resources = asArray(st.Resource).map((r) => subTextOf(r) ?? JSON.stringify(r));
        if (resources.some((r) => r !== objects)) {
          this.problem(
            `${roleId}: the runs bucket only under runs/ (${objects}), got ${resources.join(', ')}`,
          );
        }
        for (const action of actionsOf(st)) granted.add(action);
      }
      const expected = allowed[roleId] ?? [];
      const extra = [...granted].filter((a) => !expected.includes(a));
      const lacking = expected.filter((a) => !granted.has(a));
      if (extra.length > 0)
        this.problem(`${roleId}: ${extra.join(', ')} on the runs bucket is not its business`);
      if (lacking.length > 0) this.problem(`${roleId}: needs ${lacking.join(', ')} on ${objects}`);
    }
  }

  /**
   * The state machine's role: invoke its three functions, run the map's children, read the targets
   * (checked with the bucket), and write a failed target's item; summarize reads the run back.
   */
  checkStateMachineRole(stateMachineId: string): void {
    const roleId = getAttOf(this.template.Resources[stateMachineId]?.Properties?.RoleArn)?.[0];
    if (!roleId) {
      this.problem(`${stateMachineId}: its RoleArn is not a role of this template`);
      return;
    }
    const table = resourcesOfType(this.template, 'AWS::DynamoDB::Table')[0]?.[0];
    const onTable = (statements: PolicyStatement[], action: string) =>
      statements.some(
        (st) =>
          actionsOf(st).includes(action) && asArray(st.Resource).some((r) => getAttOf(r)?.[0] === table),
      );
    const machine = roleStatements(this.template, roleId);
    if (!onTable(machine, 'dynamodb:PutItem')) {
      this.problem(`${roleId}: RecordFailure needs dynamodb:PutItem on the findings table`);
    }
    const dynamodbActions = machine.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'));
    if (dynamodbActions.some((a) => a !== 'dynamodb:PutItem')) {
      this.problem(`${roleId}: only dynamodb:PutItem (RecordFailure), got ${dynamodbActions.join(', ')}`);
    }
    const summarizeRole = getAttOf(this.functions.get('summarize')?.resource.Properties?.Role)?.[0];
    const summarize = summarizeRole ? roleStatements(this.template, summarizeRole) : [];
    for (const action of ['dynamodb:Query', 'dynamodb:PutItem']) {
      if (!onTable(summarize, action)) this.problem(`summarize: needs ${action} on the findings table`);
    }
    // The failure alert: summarize moves the targets' health items, in their own partition.
    const healthKeys = summarize
      .filter((st) => actionsOf(st).includes('dynamodb:PutItem'))
      .map((st) => st.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']);
    if (!healthKeys.some((keys) => keys === undefined || asArray(keys).includes(TARGET_HEALTH_PARTITION))) {
      this.problem(
        `summarize: needs dynamodb:Query and PutItem on the ${TARGET_HEALTH_PARTITION} partition (the targets' health: the failure alert)`,
      );
    }
    const planRole = getAttOf(this.functions.get('plan')?.resource.Properties?.Role)?.[0];
    if (!onTable(planRole ? roleStatements(this.template, planRole) : [], 'dynamodb:PutItem')) {
      this.problem("plan: needs dynamodb:PutItem on the findings table (the run's plan item)");
    }
  }

  /** The table matches tableDefinition(), with its stream, PITR, TTL and encryption. */
  checkTable(): void {
    const tables = resourcesOfType(this.template, 'AWS::DynamoDB::Table');
    if (tables.length !== 1) {
      this.problem(`expected one DynamoDB table, found ${tables.length}`);
      return;
    }
    const [id, table] = tables[0]!;
    const p = table.Properties ?? {};
    const expected = tableDefinition('findings');
    const sorted = (items: unknown[] | undefined) => (items ?? []).map((i) => JSON.stringify(i)).sort();
    const same = (what: string, actual: unknown, wanted: unknown) => {
      if (JSON.stringify(actual) !== JSON.stringify(wanted)) {
        this.problem(
          `${id}: ${what} is ${JSON.stringify(actual)}, tableDefinition() says ${JSON.stringify(wanted)}`,
        );
      }
    };
    same('BillingMode', p.BillingMode, expected.BillingMode);
    same('AttributeDefinitions', sorted(p.AttributeDefinitions), sorted(expected.AttributeDefinitions));
    same('KeySchema', p.KeySchema, expected.KeySchema);
    const indexes = (list: { IndexName?: string; KeySchema?: unknown; Projection?: unknown }[] | undefined) =>
      (list ?? [])
        .map((i) => ({ IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection }))
        .sort((a, b) => String(a.IndexName).localeCompare(String(b.IndexName)));
    same(
      'GlobalSecondaryIndexes',
      indexes(p.GlobalSecondaryIndexes),
      indexes(expected.GlobalSecondaryIndexes),
    );
    same(
      'the stream view',
      p.StreamSpecification?.StreamViewType,
      expected.StreamSpecification?.StreamViewType,
    );
    same(
      'encryption at rest',
      p.SSESpecification?.SSEEnabled ?? false,
      expected.SSESpecification?.Enabled ?? false,
    );
    same('point-in-time recovery', p.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled, true);
    same('TTL', p.TimeToLiveSpecification, { AttributeName: TTL_ATTRIBUTE, Enabled: true });
    if (table.DeletionPolicy !== 'Retain')
      this.problem(`${id}: the findings history must survive a stack deletion`);
    for (const name of ['plan', 'scan-target', 'summarize', 'scan'] as const) {
      if (refOf(environmentOf(this.functions.get(name)).FINDINGS_TABLE) !== id) {
        this.problem(`${name}: FINDINGS_TABLE does not name ${id}`);
      }
    }
  }

  checkTopic(): void {
    const topics = resourcesOfType(this.template, 'AWS::SNS::Topic');
    if (topics.length !== 1) {
      this.problem(`expected one SNS topic, found ${topics.length}`);
      return;
    }
    const [id, topic] = topics[0]!;
    if (!topic.Properties?.KmsMasterKeyId) this.problem(`${id}: not encrypted with KMS (KmsMasterKeyId)`);
    for (const [subId, sub] of resourcesOfType(this.template, 'AWS::SNS::Subscription')) {
      if (sub.Properties?.Protocol === 'email' && !sub.Condition) {
        this.problem(`${subId}: the email subscription must be optional (a Condition)`);
      }
    }
    if (refOf(environmentOf(this.functions.get('notify')).TOPIC_ARN) !== id) {
      this.problem(`notify: TOPIC_ARN does not name ${id}`);
    }
  }

  /** notify reads the table's stream, splits failing batches and sends what fails to a queue. */
  checkNotifier(): void {
    const notify = this.functions.get('notify');
    const mapping = resourcesOfType(this.template, 'AWS::Lambda::EventSourceMapping').find(
      ([, m]) => getAttOf(m.Properties?.FunctionName)?.[0] === notify?.id,
    );
    if (!notify || !mapping) {
      this.problem('notify has no event source mapping');
      return;
    }
    const [id, m] = mapping;
    const p = m.Properties ?? {};
    if (getAttOf(p.EventSourceArn)?.[1] !== 'StreamArn') this.problem(`${id}: not the table's stream`);
    if (p.BisectBatchOnFunctionError !== true) this.problem(`${id}: BisectBatchOnFunctionError is not on`);
    if (!asArray(p.FunctionResponseTypes).includes('ReportBatchItemFailures')) {
      this.problem(
        `${id}: notify reports batch item failures, which Lambda ignores without ReportBatchItemFailures`,
      );
    }
    if (!(Number.isInteger(p.MaximumRetryAttempts) && p.MaximumRetryAttempts >= 0)) {
      this.problem(`${id}: MaximumRetryAttempts must be bounded (a poisoned record would block the shard)`);
    }
    const queueId = getAttOf(p.DestinationConfig?.OnFailure?.Destination)?.[0];
    if (!queueId || this.template.Resources[queueId]?.Type !== 'AWS::SQS::Queue') {
      this.problem(`${id}: failed batches must go to an SQS dead-letter queue`);
      return;
    }
    this.checkSendsOnlyTo('notify', notify, queueId);
  }

  /**
   * SNS invokes the Slack forwarder asynchronously: what still fails after Lambda's retries must go
   * to an SQS queue (an on-failure destination), not be dropped.
   */
  checkSlackForwarder(): void {
    const forwarder = this.functions.get('slack-forwarder');
    if (!forwarder) return;
    const config = resourcesOfType(this.template, 'AWS::Lambda::EventInvokeConfig').find(
      ([, c]) => refOf(c.Properties?.FunctionName) === forwarder.id,
    );
    const queueId = getAttOf(config?.[1].Properties?.DestinationConfig?.OnFailure?.Destination)?.[0];
    if (!queueId || this.template.Resources[queueId]?.Type !== 'AWS::SQS::Queue') {
      this.problem(
        'slack-forwarder: alerts it could not post must go to an SQS queue (on-failure destination)',
      );
      return;
    }
    this.checkSendsOnlyTo('slack-forwarder', forwarder, queueId);
  }

  /** A function's role may send to its dead-letter queue, and to no other queue. */
  checkSendsOnlyTo(name: FunctionName, fn: LambdaFunction, queueId: string): void {
    const roleId = getAttOf(fn.resource.Properties?.Role)?.[0];
    const sqs = roleStatements(this.template, roleId ?? '').filter((s) =>
      actionsOf(s).some((a) => a.startsWith('sqs:')),
    );
    const sends = sqs.some(
      (s) => actionsOf(s).includes('sqs:SendMessage') && getAttOf(s.Resource)?.[0] === queueId,
    );
    if (!sends) this.problem(`${name}: its role cannot send to the dead-letter queue ${queueId}`);
    const beyond = sqs.filter(
      (s) =>
        actionsOf(s).some((a) => a !== 'sqs:SendMessage') ||
        asArray(s.Resource).some((r) => getAttOf(r)?.[0] !== queueId),
    );
    if (beyond.length > 0) {
      this.problem(
        `${name}: its role may only sqs:SendMessage to ${queueId} (${beyond.map((s) => s.Sid ?? '?').join(', ')})`,
      );
    }
  }

  checkSchedule(stateMachineId: string): void {
    const schedules = resourcesOfType(this.template, 'AWS::Scheduler::Schedule').filter(
      ([, s]) => refOf(s.Properties?.Target?.Arn) === stateMachineId,
    );
    const rules = resourcesOfType(this.template, 'AWS::Events::Rule').filter(([, r]) =>
      asArray(r.Properties?.Targets as { Arn: unknown }[] | undefined).some(
        (t) => refOf(t.Arn) === stateMachineId,
      ),
    );
    if (schedules.length + rules.length === 0) this.problem('no schedule starts the state machine');
    for (const [id, s] of schedules) {
      if (typeof s.Properties?.State === 'string')
        this.problem(`${id}: its State must follow the scheduleEnabled parameter`);
    }
  }

  checkAlarms(stateMachineId: string): void {
    const alarms = resourcesOfType(this.template, 'AWS::CloudWatch::Alarm').map(
      ([, a]) => a.Properties ?? {},
    );
    const metricsOf = (a: Record<string, TemplateValue>) => [
      { Namespace: a.Namespace, MetricName: a.MetricName, Dimensions: a.Dimensions },
      ...asArray(a.Metrics as { MetricStat?: { Metric: TemplateValue } }[] | undefined).map(
        (m) => m.MetricStat?.Metric ?? {},
      ),
    ];
    const onRuns = alarms.some(
      (a) =>
        asArray(a.AlarmActions).length > 0 &&
        metricsOf(a).some(
          (m) =>
            m.Namespace === 'AWS/States' &&
            m.MetricName === 'ExecutionsFailed' &&
            asArray(m.Dimensions as { Value: unknown }[]).some((d) => refOf(d.Value) === stateMachineId),
        ),
    );
    if (!onRuns) this.problem('no alarm (with an action) on failed state machine executions');
    const onDeadLetters = alarms.some(
      (a) =>
        asArray(a.AlarmActions).length > 0 &&
        metricsOf(a).some(
          (m) => m.Namespace === 'AWS/SQS' && m.MetricName === 'ApproximateNumberOfMessagesVisible',
        ),
    );
    if (!onDeadLetters) this.problem('no alarm (with an action) on the dead-letter queue');
  }

  checkOnDemand(stateMachineId: string): void {
    const scan = this.functions.get('scan');
    if (!scan) return;
    if (refOf(environmentOf(scan).STATE_MACHINE_ARN) !== stateMachineId) {
      this.problem('scan: STATE_MACHINE_ARN does not name the state machine');
    }
    const roleId = getAttOf(scan.resource.Properties?.Role)?.[0] ?? '';
    const starts = roleStatements(this.template, roleId).some(
      (s) => actionsOf(s).includes('states:StartExecution') && refOf(s.Resource) === stateMachineId,
    );
    if (!starts) this.problem('scan: its role cannot start the state machine (states:StartExecution)');
  }
}

/** Every problem found in the packaged template; empty when it has everything. */
export function checkTemplate(template: CfnTemplate): string[] {
  return new TemplateChecker(template).run();
}

export const packagedTemplatePath = '.serverless/cloudformation-template-update-stack.json';

function main(argv: string[]): number {
  const path = resolve(argv[0] ?? packagedTemplatePath);
  const problems = checkTemplate(readTemplate(path));
  if (problems.length > 0) {
    process.stderr.write(`${path}: ${problems.length} problem(s)\n  ${problems.join('\n  ')}\n`);
    return 1;
  }
  process.stdout.write(`${path}: the structural checks pass\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = main(process.argv.slice(2));
}
