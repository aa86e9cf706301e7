/**
 * The `estatescan` command. Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or
 * configuration error, 3 the run finished but some targets or sources failed.
 */

import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Environment, quietSdkNodeVersionWarning, readEnvironment } from '../config/cli-environment.ts';
import { EstatescanError, UsageError } from '../errors.ts';
import { visible } from '../text/sanitize.ts';
import { ESTATESCAN_VERSION } from '../version.ts';
import { type CommandIo, processIo } from './io.ts';

export const mainHelp = `estatescan — inventory and compliance for hybrid AWS estates

Usage: estatescan <command> [options]

Commands:
  scan        inventory the targets, evaluate the rules, report findings (table, json, csv,
              ocsf, asff, html)
  rules       list the rules with their metadata, or (--compliance) the controls they check
  findings    query the findings store (open findings by severity, account, rule; history)
  inventory   list VPCs, EC2 instances and AMIs, security groups, ECS clusters and their
              (ECS Anywhere) hosts, EKS clusters (connected ones too) and node groups, ECR
              repositories, S3 buckets and SSM managed (on-premises) instances
  config      push or pull a deployment's configuration (checked before it is uploaded)
Run 'estatescan help <command>' or 'estatescan <command> --help' for its options;
'estatescan --version' for the version.`;

type Command = (args: string[], env: Environment, io: CommandIo) => Promise<number>;

/**
 * Each command is loaded when it runs, with what it imports: `estatescan rules` or `--help` never
 * loads an AWS SDK client, which take most of a second each to load.
 */
const commands: Record<string, () => Promise<Command>> = {
  scan: async () => (await import('./commands/scan.ts')).scanCommand,
  rules: async () => (await import('./commands/rules.ts')).rulesCommand,
  findings: async () => (await import('./commands/findings.ts')).findingsCommand,
  inventory: async () => (await import('./commands/inventory.ts')).inventoryCommand,
  config: async () => (await import('./commands/config.ts')).configCommand,
};

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h' || arg === 'help';

export async function main(argv: string[], env: Environment, io: CommandIo): Promise<number> {
  const [first, ...rest] = argv;
  if (first === '--version' || first === '-v') {
    io.stdout(`estatescan ${ESTATESCAN_VERSION}\n`);
    return 0;
  }
  // `estatescan help scan` is `estatescan scan --help`; `estatescan help` the main help.
  const [command, args] = first === 'help' && rest[0] ? [rest[0], ['--help']] : [first, rest];
  if (!command || isHelp(command)) {
    io.stdout(`${mainHelp}\n`);
    return command ? 0 : 2;
  }
  const load = Object.hasOwn(commands, command) ? commands[command] : undefined;
  if (!load) {
    io.stderr(`estatescan: unknown command "${visible(command)}"\n\n${mainHelp}\n`);
    return 2;
  }
  try {
    return await (await load())(args, env, io);
  } catch (error) {
    // No usable credentials is the environment's configuration: nothing was scanned (2), unlike a
    // run that finished with failed targets (3).
    // Messages quote AWS errors and configuration values: shown, never run by the terminal.
    if (!(error instanceof EstatescanError)) throw error;
    io.stderr(`estatescan ${command}: ${visible(error.message, { lineBreaks: true })}\n`);
    return error instanceof UsageError || (await isCallerIdentityError(error)) ? 2 : 3;
  }
}

/** Whether AWS refused the caller's credentials (loaded only then: the class comes with the SDK). */
async function isCallerIdentityError(error: EstatescanError): Promise<boolean> {
  if (error.name !== 'CallerIdentityError') return false;
  const { CallerIdentityError } = await import('../aws/session.ts');
  return error instanceof CallerIdentityError;
}

/** Runs the command line of this process and sets its exit code: what `bin/estatescan.js` calls. */
export async function runCli(argv: string[] = process.argv.slice(2)): Promise<void> {
  quietSdkNodeVersionWarning();
  try {
    process.exitCode = await main(argv, readEnvironment(), processIo());
  } catch (error) {
    process.stderr.write(`estatescan: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 3;
  }
}

/** `tsx src/cli/main.ts` (`npm run estatescan`) runs this file itself. */
function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (invokedDirectly()) await runCli();
