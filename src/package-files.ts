/**
 * Where the package's own files are. This module sits at the top of src/ (tests), of dist/ (the compiled
 * modules) and, inlined, in a chunk of the CLI bundle, whose chunks scripts/bundle.mjs also writes to the top
 * of dist/: so one folder up is always the package root. Modules that read a shipped file ask here instead
 * of resolving from their own URL, which in the bundle is a chunk's.
 */
import { fileURLToPath } from 'node:url';

const root = new URL('../', import.meta.url);
const here = new URL('./', import.meta.url);

/** A file shipped at the package root: `catalog/models.json`, `schemas/manifest.schema.json`, `package.json`. */
export const packageFile = (path: string): string => fileURLToPath(new URL(path, root));

/** A file the build writes beside the compiled modules (`manifest/manifest.validator.cjs`): absent when running from src/. */
export const builtFile = (path: string): string => fileURLToPath(new URL(path, here));
