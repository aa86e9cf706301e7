/**
 * The `estatescan` command. Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or
 * configuration error, 3 the run finished but some targets or sources failed.
 */

import { CallerIdentityError } from '../aws/session.ts';
import { type Environment, quietSdkNodeVersionWarning, readEnvironment } from '../config/environment.ts';
import { EstatescanError, UsageError } from '../errors.ts';
import { visible } from '../text/sanitize.ts';
import { findingsCommand } from './commands/findings.ts';
import { inventoryCommand } from './commands/inventory.ts';
import { rulesCommand } from './commands/rules.ts';
import { scanCommand } from './commands/scan.ts';
import { type CommandIo, processIo } from './io.ts';

export const mainHelp = `estatescan — inventory and compliance for hybrid AWS estates

Usage: estatescan <command> [options]

Commands:
  scan        inventory the targets, evaluate the rules, report findings (table, json, csv,
              ocsf, asff, html)
  rules       list the rules with their metadata
  findings    query the findings store (open findings by severity, account, rule; history)
  inventory   list VPCs, EC2 instances and AMIs, security groups, ECS clusters and their
              (ECS Anywhere) hosts, EKS clusters (connected ones too) and node groups, ECR
              repositories, S3 buckets and SSM managed (on-premises) instances
Run 'estatescan <command> --help' for its options.`;

const commands: Record<string, (args: string[], env: Environment, io: CommandIo) => Promise<number>> = {
  scan: scanCommand,
  rules: rulesCommand,
  findings: findingsCommand,
  inventory: inventoryCommand,
};

export async function main(argv: string[], env: Environment, io: CommandIo): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.stdout(`${mainHelp}\n`);
    return command ? 0 : 2;
  }
  const run = commands[command];
  if (!run) {
    io.stderr(`estatescan: unknown command "${command}"\n\n${mainHelp}\n`);
    return 2;
  }
  try {
    return await run(args, env, io);
  } catch (error) {
    // No usable credentials is the environment's configuration: nothing was scanned (2), unlike a
    // run that finished with failed targets (3).
    // Messages quote AWS errors and configuration values: shown, never run by the terminal.
    if (error instanceof UsageError || error instanceof CallerIdentityError) {
      io.stderr(`estatescan ${command}: ${visible(error.message, { lineBreaks: true })}\n`);
      return 2;
    }
    if (error instanceof EstatescanError) {
      io.stderr(`estatescan ${command}: ${visible(error.message, { lineBreaks: true })}\n`);
      return 3;
    }
    throw error;
  }
}

const invokedDirectly = process.argv[1] && /(?:main\.ts|estatescan(?:\.js)?)$/.test(process.argv[1]);
if (invokedDirectly) {
  quietSdkNodeVersionWarning();
  main(process.argv.slice(2), readEnvironment(), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`estatescan: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 3;
    },
  );
}
