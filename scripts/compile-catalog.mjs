/**
 * Build step: derives the built-in catalog from catalog/*.json once, into dist/catalog.base.json with the
 * digest of those files, so loadCatalog (src/catalog.ts) reads it instead of deriving it at every start.
 * It derives anew wherever the digest differs (catalog/ edited since the build) or the file is missing (src/).
 */
import { writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

const { catalogDigest, catalogSources, deriveCatalog } = await import('../dist/catalog.js');

const texts = catalogSources();
const catalog = deriveCatalog(texts);
// A stored copy must read back as exactly the catalog derived (JSON has no undefined, Infinity or Map).
if (!isDeepStrictEqual(JSON.parse(JSON.stringify(catalog)), catalog)) throw new Error('the derived catalog does not survive JSON, so it cannot be stored: see src/catalog.ts');
writeFileSync(new URL('../dist/catalog.base.json', import.meta.url), JSON.stringify({ digest: catalogDigest(texts), catalog }));
