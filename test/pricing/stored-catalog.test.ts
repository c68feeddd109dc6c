/**
 * The build stores the derived built-in catalog (dist/catalog.base.json) so a start does not derive it;
 * a stored copy is used only for the very catalog texts it was derived from.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { catalogDigest, catalogFrom, catalogSources, deriveCatalog, loadCatalog, type Catalog, type StoredCatalog } from '../../src/catalog.js';

const stored = fileURLToPath(new URL('../../dist/catalog.base.json', import.meta.url));

describe('stored catalog', () => {
  it('the build stores exactly the catalog derived from catalog/ (run `npm run build` after editing catalog/)', () => {
    if (!existsSync(stored)) throw new Error('dist/catalog.base.json is missing: run `npm run build` first (npm test does)');
    const copy = JSON.parse(readFileSync(stored, 'utf8')) as StoredCatalog;
    const texts = catalogSources();
    expect(copy.digest).toBe(catalogDigest(texts));
    expect(copy.catalog).toStrictEqual(deriveCatalog(texts));
    expect(copy.catalog).toStrictEqual(loadCatalog());
  });

  it('a copy stored for other texts is not used: one changed price derives the catalog anew', () => {
    const texts = catalogSources();
    const marked = { digest: catalogDigest(texts), catalog: { ...deriveCatalog(texts), defaultModel: 'stored-copy' } as Catalog };
    expect(catalogFrom(texts, marked).defaultModel).toBe('stored-copy');
    const assumptions = JSON.parse(texts[2]!) as { default_model: string };
    const edited = [texts[0]!, texts[1]!, JSON.stringify({ ...assumptions, default_model: 'edited-since-the-build' })];
    expect(catalogFrom(edited, marked).defaultModel).toBe('edited-since-the-build');
    expect(catalogFrom(texts, undefined)).toStrictEqual(deriveCatalog(texts));
  });
});
