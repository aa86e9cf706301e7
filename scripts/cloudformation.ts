/**
 * Reading CloudFormation templates in scripts and tests: YAML with the short-form intrinsic tags
 * (`!Sub`, `!If`, `!GetAtt`…) turned into their long form, the shapes the checks read, and
 * `Fn::Sub` substitution for text that must be parsed (the state machine definition).
 */
import { readFileSync } from 'node:fs';
import { parse, type Scalar, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';

/** A value read from a template: loosely typed on purpose, the checks validate its shape. */
// biome-ignore lint/suspicious/noExplicitAny: template JSON is read loosely; the checks validate it.
export type TemplateValue = any;

export interface CfnResource {
  Type: string;
  Condition?: string;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Properties?: Record<string, TemplateValue>;
}

export interface CfnParameter {
  Type: string;
  Default?: unknown;
  [key: string]: unknown;
}

export interface CfnTemplate {
  Parameters?: Record<string, CfnParameter>;
  Conditions?: Record<string, unknown>;
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, unknown>;
}

/** Short tag → long form. `!GetAtt A.B` is the one whose scalar form needs splitting. */
const intrinsics: Record<string, string> = {
  Ref: 'Ref',
  Condition: 'Condition',
  Sub: 'Fn::Sub',
  GetAtt: 'Fn::GetAtt',
  If: 'Fn::If',
  Equals: 'Fn::Equals',
  Not: 'Fn::Not',
  And: 'Fn::And',
  Or: 'Fn::Or',
  Join: 'Fn::Join',
  Split: 'Fn::Split',
  Select: 'Fn::Select',
  FindInMap: 'Fn::FindInMap',
  ImportValue: 'Fn::ImportValue',
  GetAZs: 'Fn::GetAZs',
  Base64: 'Fn::Base64',
  Cidr: 'Fn::Cidr',
  Transform: 'Fn::Transform',
};

const cloudFormationTags: Tags = Object.entries(intrinsics).flatMap(([short, long]) => [
  {
    tag: `!${short}`,
    resolve: (value: string) => ({
      [long]: short === 'GetAtt' ? value.split(/\.(.*)/s).slice(0, 2) : value,
    }),
  },
  {
    tag: `!${short}`,
    collection: 'seq' as const,
    resolve: (value: YAMLSeq | YAMLMap | Scalar) => ({ [long]: value.toJSON() }),
  },
  {
    tag: `!${short}`,
    collection: 'map' as const,
    resolve: (value: YAMLSeq | YAMLMap | Scalar) => ({ [long]: value.toJSON() }),
  },
]);

/** Parses a CloudFormation YAML template, short-form tags included. */
export function parseCloudFormationYaml(text: string): CfnTemplate {
  return parse(text, { customTags: cloudFormationTags }) as CfnTemplate;
}

/** Reads a template from a `.yml`/`.yaml` or `.json` file. */
export function readTemplate(path: string): CfnTemplate {
  const text = readFileSync(path, 'utf8');
  return /\.ya?ml$/.test(path) ? parseCloudFormationYaml(text) : (JSON.parse(text) as CfnTemplate);
}

export function asArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** The logical id a `{ Ref }` names, or undefined. */
export function refOf(value: unknown): string | undefined {
  return value && typeof value === 'object' && 'Ref' in value
    ? String((value as { Ref: unknown }).Ref)
    : undefined;
}

/** `[logicalId, attribute]` of a `{ "Fn::GetAtt" }`, or undefined. */
export function getAttOf(value: unknown): [string, string] | undefined {
  if (!value || typeof value !== 'object' || !('Fn::GetAtt' in value)) return undefined;
  const raw = (value as { 'Fn::GetAtt': unknown })['Fn::GetAtt'];
  const [id, attribute] = Array.isArray(raw) ? raw : String(raw).split(/\.(.*)/s);
  return [String(id), String(attribute)];
}

/** The text of an `Fn::Sub` (its first argument), or undefined. */
export function subTextOf(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || !('Fn::Sub' in value)) return undefined;
  const raw = (value as { 'Fn::Sub': unknown })['Fn::Sub'];
  return String(Array.isArray(raw) ? raw[0] : raw);
}

/**
 * Substitutes an `Fn::Sub` text: template parameters by their defaults, pseudo parameters and
 * `${Resource.Attr}` references by what `resolve` returns (a readable placeholder by default).
 */
export function substitute(
  text: string,
  template: CfnTemplate,
  resolve: (name: string) => string = (name) => `<${name}>`,
): string {
  return text
    .replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      const parameter = template.Parameters?.[name];
      if (parameter && parameter.Default !== undefined) return String(parameter.Default);
      return resolve(name);
    })
    .replace(/\$\{!/g, '${'); // `${!Literal}` is Fn::Sub's escape for a literal `${Literal}`
}

/** Every statement of a role's inline policies (and of RolePolicy resources attached to it). */
export function roleStatements(
  template: CfnTemplate,
  roleId: string,
  /** Leave out policies that exist only under a condition (an opt-in parameter), as deployed by default. */
  options: { unconditionalOnly?: boolean } = {},
): PolicyStatement[] {
  const role = template.Resources[roleId];
  const inline = asArray(role?.Properties?.Policies as { PolicyDocument: PolicyDocument }[] | undefined);
  const attached = Object.values(template.Resources)
    .filter(
      (r) =>
        (r.Type === 'AWS::IAM::RolePolicy' && refOf(r.Properties?.RoleName) === roleId) ||
        (r.Type === 'AWS::IAM::Policy' && asArray(r.Properties?.Roles).some((x) => refOf(x) === roleId)),
    )
    .filter((r) => !options.unconditionalOnly || !r.Condition)
    .map((r) => ({ PolicyDocument: r.Properties?.PolicyDocument as PolicyDocument }));
  const managed = asArray(role?.Properties?.ManagedPolicyArns)
    .map((arn) => refOf(arn))
    .filter((id): id is string => !!id && template.Resources[id]?.Type === 'AWS::IAM::ManagedPolicy')
    .map((id) => ({ PolicyDocument: template.Resources[id]?.Properties?.PolicyDocument as PolicyDocument }));
  return [...inline, ...attached, ...managed].flatMap((p) => asArray(p.PolicyDocument?.Statement));
}

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Version?: string;
  Statement: PolicyStatement | PolicyStatement[];
}
