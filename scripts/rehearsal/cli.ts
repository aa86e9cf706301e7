/**
 * `npm run rehearse`: the packaged deployment rehearsed on the emulator (see rehearsal.ts), one
 * scheduled run of the demo estate, its alerts, and the check of every recorded call against the
 * role that made it. test/integration/deployment/packaged-stack.test.ts asserts the same path and
 * more; this prints it.
 *
 *   npm run rehearse                 package, deploy, run, report, stop
 *   npm run rehearse -- --keep       then keep the emulator up (its endpoint and the deployer's keys
 *                                    are printed) until Ctrl-C
 */
import { DEMO_ACCOUNTS, DEMO_REGIONS } from '../demo/estate.ts';
import { administratorOf } from './deploy.ts';
import { checkRecordedCalls } from './policy-check.ts';
import { HUB_ACCOUNT, startRehearsal } from './rehearsal.ts';

const keep = process.argv.includes('--keep');
const out = (line = '') => process.stdout.write(`${line}\n`);

const rehearsal = await startRehearsal({
  accounts: Object.values(DEMO_ACCOUNTS),
  regions: [...DEMO_REGIONS],
  inlineTargetLimit: 10,
  retryScale: 0.01,
});
try {
  const started = Date.now();
  const outcome = await rehearsal.waitForExecution(await rehearsal.startExecution(rehearsal.scheduleInput));
  out(`\n== scheduled run: ${outcome.status} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  out(JSON.stringify(outcome.output ?? { error: outcome.error, cause: outcome.cause }, null, 2));
  out('\n== invocations (Node, function, outcome, ms)');
  for (const i of rehearsal.runtime.invocations()) {
    out(
      `  ${i.nodeVersion ?? '?'}  ${i.functionName.padEnd(28)} ${i.errored ? 'FAILED ' : 'ok     '} ${i.durationMs}`,
    );
  }
  const deliveries = await rehearsal.deliverStream();
  out(`\n== the table's stream to notify: ${deliveries.length} batch(es)`);
  const alerts = await rehearsal.receiveAlerts();
  out(`\n== ${alerts.length} alert(s) on the subscribed queue`);
  for (const alert of alerts) out(`  ${alert.subject}  ${JSON.stringify(alert.attributes.change)}`);

  const verdicts = await checkRecordedCalls(rehearsal.proxy.calls(), (accountId) =>
    accountId === HUB_ACCOUNT ? Promise.resolve(rehearsal.hub) : administratorOf(rehearsal.hub, accountId),
  );
  const refused = verdicts.filter((v) => v.verdict !== 'allowed');
  out(`\n== ${verdicts.length} distinct calls by role and resource, ${refused.length} not allowed`);
  for (const v of refused) out(`  ${v.verdict}: ${v.principal} ${v.action} ${v.resource}`);
  const conditional = verdicts.filter((v) => v.conditional);
  if (conditional.length) {
    out(
      `  (${conditional.length} allowed by statements with conditions, which the emulator does not evaluate)`,
    );
  }
  process.exitCode = outcome.status === 'SUCCEEDED' && refused.length === 0 ? 0 : 1;

  if (keep) {
    out(`\nThe emulator stays up: export AWS_ENDPOINT_URL=${rehearsal.hub.endpoint}`);
    out(
      `  AWS_ACCESS_KEY_ID=${rehearsal.hub.credentials.accessKeyId} AWS_SECRET_ACCESS_KEY=${rehearsal.hub.credentials.secretAccessKey} AWS_REGION=${rehearsal.hub.region}`,
    );
    out('  Ctrl-C stops it.');
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
  }
} finally {
  await rehearsal.stop();
}
