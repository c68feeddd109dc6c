// Writes schemas/manifest.schema.json from the job kinds (src/kinds/schema.ts); run by `npm run schema`.
import { writeFileSync } from 'node:fs';
import { manifestSchemaText } from '../dist/kinds/schema.js';

writeFileSync(new URL('../schemas/manifest.schema.json', import.meta.url), manifestSchemaText());
