/**
 * `npm run emulator:install` installs the pinned moto and py-ocsf-models (the OCSF validator);
 * `npm run emulator:start` runs moto in the foreground on a free port (or `--port N`) and prints the
 * AWS_ENDPOINT_URL to use, until Ctrl-C.
 */
import { ocsfValidatorPython, resolveMotoServer, startMoto } from './moto.ts';

const [command, ...rest] = process.argv.slice(2);
if (command === 'install') {
  console.log(resolveMotoServer());
  console.log(ocsfValidatorPython());
} else if (command === 'start') {
  const portIndex = rest.indexOf('--port');
  const port = portIndex >= 0 ? Number(rest[portIndex + 1]) : undefined;
  const emulator = await startMoto(port ? { port } : {});
  console.log(`moto is listening: export AWS_ENDPOINT_URL=${emulator.endpoint}`);
  const stop = () => void emulator.stop().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
} else {
  console.error('usage: tsx scripts/emulator/cli.ts install|start [--port N]');
  process.exit(2);
}
