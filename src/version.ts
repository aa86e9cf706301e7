/**
 * estatescan's version, read from package.json so that `estatescan --version`, every report's
 * generator and the package never disagree. (The build inlines it: the built CLI reads no JSON.)
 */
import packageJson from '../package.json' with { type: 'json' };

export const ESTATESCAN_VERSION: string = packageJson.version;
