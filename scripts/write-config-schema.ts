/** `npm run schema`: writes the configuration file's JSON schema for editors. */
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../src/config/config-file.ts';

writeFileSync('estatescan.config.schema.json', `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
console.log('wrote estatescan.config.schema.json');
