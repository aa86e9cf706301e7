/**
 * `npm run demo`: starts the emulator, seeds the demo estate (three member accounts reached by
 * AssumeRole, two regions), and runs estatescan on it exactly as a user would on a laptop: the
 * inventory, a first scan into a findings table (the baseline), a change to the estate, a second
 * scan that announces only what changed, the alert messages that were sent, and the HTML report.
 */

import { mkdirSync } from 'node:fs';
import { processIo } from '../src/cli/io.ts';
import { main } from '../src/cli/main.ts';
import { quietSdkNodeVersionWarning, readEnvironment } from '../src/config/environment.ts';
import { createAlertInbox, printMessages } from './demo/alert-inbox.ts';
import {
  changeDemoEstate,
  DEMO_ACCOUNTS,
  DEMO_HUB_CREDENTIALS,
  DEMO_HYBRID,
  DEMO_REGIONS,
  seedDemoEstate,
} from './demo/estate.ts';
import { startHybridStandIn } from './demo/hybrid-stand-in.ts';
import { startMoto } from './emulator/moto.ts';

quietSdkNodeVersionWarning();
const reportFile = 'out/estatescan-report.html';
mkdirSync('out', { recursive: true });
const say = (text: string) => process.stderr.write(`\n== ${text}\n`);

say('starting the AWS emulator (moto)');
const emulator = await startMoto();
// moto cannot hold on-premises machines: the stand-in serves the demo's SSM managed instances, ECR
// Public repositories, EKS add-ons and Outposts, and forwards everything else to moto.
const standIn = await startHybridStandIn(emulator.endpoint, DEMO_HYBRID, {
  accessKeyId: DEMO_HUB_CREDENTIALS.accessKeyId,
  accountId: '123456789012',
});
let exitCode = 0;
try {
  // The demo talks to the emulator only: nothing here can reach real AWS.
  process.env.AWS_ENDPOINT_URL = standIn.endpoint;
  process.env.AWS_ACCESS_KEY_ID = DEMO_HUB_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = DEMO_HUB_CREDENTIALS.secretAccessKey;
  process.env.AWS_REGION = 'eu-west-1';
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_DEFAULT_PROFILE']) delete process.env[name];

  say(`seeding the demo estate at ${emulator.endpoint}`);
  await seedDemoEstate(emulator.endpoint);

  const targets = [
    '--accounts',
    Object.values(DEMO_ACCOUNTS).join(','),
    '--regions',
    DEMO_REGIONS.join(','),
    '--role-name',
    'EstatescanReadOnly',
  ];
  const run = async (args: string[]) => {
    say(`estatescan ${args.join(' ')}`);
    const code = await main(args, readEnvironment(), processIo());
    say(`exit code ${code}`);
    return code;
  };
  const inbox = await createAlertInbox(standIn.endpoint);
  const store = ['--table', 'estatescan-findings', '--topic', inbox.topicArn];

  const codes = [
    await run(['inventory', ...targets]),
    // First scan: the baseline. Stored, summarized once per account, not announced finding by finding.
    await run(['scan', ...targets, ...store]),
  ];
  printMessages('after the first scan (baselines)', await inbox.receive());

  say('changing the estate');
  for (const line of await changeDemoEstate(standIn.endpoint)) process.stderr.write(`   ${line}\n`);

  // Second scan: only what changed is announced.
  codes.push(
    await run(['scan', ...targets, ...store, '--format', 'html', '--output', reportFile, '--quiet']),
  );
  printMessages('after the second scan (changes only)', await inbox.receive());
  codes.push(await run(['findings', '--table', 'estatescan-findings', '--severity', 'critical']));

  say(`the HTML report is in ${reportFile}: open it in a browser`);
  // 0 clean or 3 partial are results; 1 cannot happen without --fail-on; 2 is a bug in the demo.
  exitCode = codes.find((c) => c !== 0 && c !== 3) ?? 0;
} finally {
  await standIn.stop();
  await emulator.stop();
}
process.exitCode = exitCode;
