/**
 * The state machine as tests run it by hand: its definition, read from serverless.yml (offline, no
 * packaging: osls's `${param:…}` and `${sls:stage}` resolved from the file's own defaults, the
 * CloudFormation substitutions as scripts/check-template.ts resolves them), and a small evaluator
 * of the JSONPath `Parameters` the definition's states give their tasks, so a test can do exactly
 * what a state would.
 *
 * A mirror of what a real interpreter now answers: test/integration/deployment/packaged-stack.test.ts
 * runs the packaged definition on moto's Step Functions interpreter. Do not add uses; move the
 * remaining ones there and delete this file.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolvedDefinition } from '../../scripts/check-template.ts';
import { type CfnTemplate, parseCloudFormationYaml } from '../../scripts/cloudformation.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

// biome-ignore lint/suspicious/noExplicitAny: ASL states are JSON, read loosely by the tests.
export type AslState = Record<string, any>;
export interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
}

/** osls's logical id of a function's resource: `scan-target` → `ScanDashtargetLambdaFunction`. */
const functionLogicalId = (name: string) =>
  `${name.charAt(0).toUpperCase()}${name.slice(1).replaceAll('-', 'Dash').replaceAll('_', 'Underscore')}LambdaFunction`;

/** The state machine definition serverless.yml declares, resolved as for cfn-lint (stage `ci`). */
export function sourceDefinition(path = join(projectRoot, 'serverless.yml'), stage = 'ci'): AslMachine {
  const text = readFileSync(path, 'utf8');
  const { params } = parseCloudFormationYaml(text) as unknown as {
    params: { default: Record<string, unknown> };
  };
  const resolvedText = text
    .replace(/\$\{param:(\w+)\}/g, (whole, name: string) =>
      params.default[name] === undefined ? whole : String(params.default[name]),
    )
    // biome-ignore lint/suspicious/noTemplateCurlyInString: osls's variable syntax, resolved here.
    .replaceAll('${sls:stage}', stage);
  const service = parseCloudFormationYaml(resolvedText) as unknown as {
    functions: Record<string, unknown>;
    resources: CfnTemplate;
  };
  const template: CfnTemplate = {
    Parameters: service.resources.Parameters ?? {},
    Resources: {
      ...service.resources.Resources,
      ...Object.fromEntries(
        Object.keys(service.functions).map((name) => [
          functionLogicalId(name),
          { Type: 'AWS::Lambda::Function' },
        ]),
      ),
    },
  };
  const machine = Object.entries(template.Resources).find(
    ([, r]) => r.Type === 'AWS::StepFunctions::StateMachine',
  );
  if (!machine) throw new Error(`${path} declares no state machine`);
  return resolvedDefinition(template, machine[0]) as AslMachine;
}

/** A state anywhere in the definition (item processors included), by name. */
export function findState(machine: AslMachine, name: string): AslState {
  for (const [stateName, state] of Object.entries(machine.States)) {
    if (stateName === name) return state;
    const inner = state.ItemProcessor ?? state.Iterator;
    if (inner?.States) {
      try {
        return findState(inner as AslMachine, name);
      } catch {
        // not in this processor
      }
    }
  }
  throw new Error(`no state ${name}`);
}

/** The value at a JSONPath (`$.a.b[0]`, `$$.Map.Item.Value`); throws as Step Functions would fail. */
export function readPath(path: string, input: unknown, context: unknown = {}): unknown {
  const [root, rest] = path.startsWith('$$') ? [context, path.slice(2)] : [input, path.slice(1)];
  let value: unknown = root;
  for (const [, key, index] of rest.matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)) {
    if (value === null || typeof value !== 'object') throw new Error(`States.Runtime: ${path} not found`);
    value = key !== undefined ? (value as Record<string, unknown>)[key] : (value as unknown[])[Number(index)];
    if (value === undefined) throw new Error(`States.Runtime: ${path} not found`);
  }
  return value;
}

/** Splits an intrinsic function's arguments at the top-level commas. */
function splitArguments(text: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted && c === '\\') {
      current += c + (text[++i] ?? '');
      continue;
    }
    if (c === "'") quoted = !quoted;
    if (!quoted && c === '(') depth++;
    if (!quoted && c === ')') depth--;
    if (!quoted && depth === 0 && c === ',') {
      args.push(current.trim());
      current = '';
      continue;
    }
    current += c;
  }
  if (current.trim()) args.push(current.trim());
  return args;
}

/** One `.$` value: a path, or one of the intrinsic functions the definition uses. */
function evaluateExpression(expression: string, input: unknown, context: unknown): unknown {
  const call = /^(States\.\w+)\((.*)\)$/s.exec(expression.trim());
  if (!call) return readPath(expression.trim(), input, context);
  const [, name, argumentText] = call;
  const args = splitArguments(argumentText ?? '').map((arg) =>
    arg.startsWith("'") ? arg.slice(1, -1).replace(/\\(.)/g, '$1') : evaluateExpression(arg, input, context),
  );
  switch (name) {
    case 'States.Format': {
      const [template, ...values] = args as [string, ...unknown[]];
      let i = 0;
      return template.replace(/\{\}/g, () => {
        const value = values[i++];
        return typeof value === 'string' ? value : JSON.stringify(value);
      });
    }
    case 'States.JsonToString':
      return JSON.stringify(args[0]);
    case 'States.StringToJson':
      return JSON.parse(String(args[0]));
    default:
      throw new Error(`the test evaluator does not know ${name}`);
  }
}

/** A state's `Parameters` (or `ItemSelector`) applied to its input, as Step Functions does it. */
export function evaluateParameters(template: unknown, input: unknown, context: unknown = {}): unknown {
  if (Array.isArray(template)) return template.map((t) => evaluateParameters(t, input, context));
  if (template === null || typeof template !== 'object') return template;
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(template)) {
    if (key.endsWith('.$')) result[key.slice(0, -2)] = evaluateExpression(String(value), input, context);
    else result[key] = evaluateParameters(value, input, context);
  }
  return result;
}
