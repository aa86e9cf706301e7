import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main, mainHelp } from '../../../src/cli/main.ts';
import { captureIo } from '../../support/capture-io.ts';

const env = { interactive: false };
const packageVersion = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
const commands = ['scan', 'inventory', 'rules', 'findings', 'config'];

describe('estatescan conventions', () => {
  it('prints its version with --version and -v', async () => {
    for (const flag of ['--version', '-v']) {
      // Prepare
      const io = captureIo();

      // Act
      const code = await main([flag], env, io);

      // Assess
      expect(code).toBe(0);
      expect(io.out.join('')).toBe(`estatescan ${packageVersion}\n`);
    }
  });

  it.each(commands)('answers `help %s` and `%s --help` with the same help, its own', async (command) => {
    // Prepare
    const viaHelp = captureIo();
    const viaFlag = captureIo();
    const viaShort = captureIo();

    // Act
    const codes = [
      await main(['help', command], env, viaHelp),
      await main([command, '--help'], env, viaFlag),
      await main([command, '-h'], env, viaShort),
    ];

    // Assess
    expect(codes).toEqual([0, 0, 0]);
    const help = viaHelp.out.join('');
    expect(help).toMatch(new RegExp(`^estatescan ${command} — `));
    expect(help).not.toBe(`${mainHelp}\n`);
    expect(viaFlag.out.join('')).toBe(help);
    expect(viaShort.out.join('')).toBe(help);
  });

  it('prints the main help for help, --help and no command (exit 2 for no command)', async () => {
    // Prepare
    const ios = [captureIo(), captureIo(), captureIo()];

    // Act
    const codes = [
      await main(['help'], env, ios[0]!),
      await main(['--help'], env, ios[1]!),
      await main([], env, ios[2]!),
    ];

    // Assess
    expect(codes).toEqual([0, 0, 2]);
    for (const io of ios) expect(io.out.join('')).toBe(`${mainHelp}\n`);
    expect(mainHelp).toContain("'estatescan help <command>'");
  });

  it('refuses an unknown command, and help for one, showing what it got safely', async () => {
    // Prepare
    const unknown = captureIo();
    const helpUnknown = captureIo();

    // Act
    const codes = [
      await main(['sacn\x1b[2J'], env, unknown),
      await main(['help', 'toString'], env, helpUnknown),
    ];

    // Assess
    expect(codes).toEqual([2, 2]);
    expect(unknown.err.join('')).toContain('unknown command "sacn\\x1b[2J"');
    expect(helpUnknown.err.join('')).toContain('unknown command "toString"');
  });
});
