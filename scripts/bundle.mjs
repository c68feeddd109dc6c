/**
 * Build step, after tsc: bundles the CLI (src/cli.ts → dist/cli.js) and the library entry (src/index.ts →
 * dist/index.js) with esbuild, so a start loads a few files instead of some 170 modules (the yaml parser
 * alone is 68). Both entries share their chunks (dist/bundle-*.js), so each module exists once and a
 * command loads only the chunks it imports: validate and plan never parse the executor, the watcher or
 * the simulator. These files, not tsc's modules, are what the package ships (package.json `files`);
 * tsc's dist/ stays for the declarations and the build and bench scripts.
 *
 * The chunks sit at the top of dist/, like src/package-files.ts once compiled, which finds the shipped
 * files from there. dist/bundle.json (esbuild's metafile) says which sources each chunk holds: the
 * start-up test reads it to tell which modules a command loaded.
 */
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const dist = new URL('../dist/', import.meta.url);
const CHUNK = /^bundle-.+\.js$/;

const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
// yaml parses every manifest, so it is inlined; the other dependencies load only for the commands that
// use them (or through createRequire, which esbuild leaves alone) and stay in node_modules.
const INLINED = new Set(['yaml']);
const external = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).filter((name) => !INLINED.has(name));

for (const file of readdirSync(dist)) if (CHUNK.test(file)) rmSync(new URL(file, dist));

const result = await build({
  absWorkingDir: fileURLToPath(root),
  entryPoints: { cli: 'src/cli.ts', index: 'src/index.ts' },
  outdir: 'dist',
  chunkNames: 'bundle-[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // yaml is CommonJS and requires Node's built-ins; an ES module has no `require` of its own.
  banner: { js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);" },
  // Whitespace and syntax only: names stay, so a stack trace of an internal error still reads.
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((path) => path.slice('dist/'.length));
const misplaced = outputs.filter((file) => file.includes('/'));
if (misplaced.length > 0) throw new Error(`bundle chunks must sit at the top of dist/ (src/package-files.ts): ${misplaced.join(', ')}`);
writeFileSync(new URL('bundle.json', dist), JSON.stringify(result.metafile));
chmodSync(new URL('cli.js', dist), 0o755);
