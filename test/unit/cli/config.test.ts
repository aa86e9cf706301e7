import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { captureIo } from '../../support/capture-io.ts';

const env = { region: 'eu-west-1', interactive: false };

describe('estatescan config: options checked before anything is read or asked of AWS', () => {
  it('prints its help, and exits 2 without an action', async () => {
    // Prepare
    const io = captureIo();

    // Act
    const code = await main(['config'], env, io);

    // Assess
    expect(code).toBe(2);
    expect(io.out.join('')).toMatch(/estatescan config push --stage <stage> \[--file <file>\]/);
  });

  it('refuses an unknown action, and a push without a stage or a bucket, listing every problem', async () => {
    // Prepare
    const unknown = captureIo();
    const incomplete = captureIo();

    // Act
    const a = await main(['config', 'publish', '--stage', 'prod'], env, unknown);
    const b = await main(['config', 'push', '--output', 'x.yml'], { interactive: false }, incomplete);

    // Assess
    expect(a).toBe(2);
    expect(unknown.err.join('')).toMatch(/Unknown config action "publish": push or pull/);
    expect(b).toBe(2);
    expect(incomplete.err.join('')).toMatch(
      /--stage: the deployment stage is required \(or --bucket\)[\s\S]*--output: only for pull[\s\S]*no region: set AWS_REGION or pass --region/,
    );
  });

  it('refuses a file it cannot read with the message estatescan scan gives, before any AWS call', async () => {
    // Prepare
    const io = captureIo();

    // Act: no endpoint and no credentials: a call to AWS would fail otherwise
    const code = await main(
      ['config', 'push', '--stage', 'prod', '--file', '/nonexistent/estatescan.config.yml'],
      env,
      io,
    );

    // Assess
    expect(code).toBe(2);
    expect(io.err.join('')).toMatch(
      /Cannot read the configuration file \/nonexistent\/estatescan\.config\.yml: ENOENT/,
    );
  });
});
