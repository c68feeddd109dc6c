/** Fingerprints of a real manifest do not depend on how its YAML is written. */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGraph, hashAssets } from '../../src/graph.js';
import { loadManifest } from '../../src/manifest/index.js';

type Y = string | number | boolean | Y[] | { [key: string]: Y };

const SPEC: { [key: string]: Y } = {
  version: 1,
  name: 'espresso-teaser',
  defaults: { model: 'v4.5', quality: '540p', duration: 5, motion: 'normal', aspect: '16:9', seed: 1207 },
  vars: { product: 'a matte black espresso machine' },
  assets: { hero: './images/hero.png', cup: './images/cup.jpg' },
  jobs: {
    intro: { image: 'hero', prompt: 'Slow dolly-in on ${product} on a marble counter', then: [{ extend: { prompt: 'The camera pulls back' } }, { upscale: {} }] },
    pour: { prompt: 'Close-up of espresso pouring into ${cup_desc}', vars: { cup_desc: 'a white porcelain cup' }, quality: '720p' },
    between: { frames: { first: 'hero', last: 'cup' }, prompt: 'The machine morphs into a steaming cup' },
    bridge: { transition: ['intro', 'pour'] },
    group: { fusion: { images: { subject: 'hero', background: 'cup' } }, prompt: '@subject standing on @background' },
    anime: { restyle: 'pour', style: 'anime' },
    spokesperson: { lipsync: { video: 'intro', text: 'Meet your new morning ritual', voice: 'Emma' } },
    variants: { prompt: '${product} rotating on a turntable, ${style} style', matrix: { style: ['clay', 'anime'], seed: [1, 2] } },
  },
};

interface Style {
  indent: number;
  seed: number;
  comments: boolean;
  quote: 'plain' | 'double' | 'single';
  crlf: boolean;
  blankLines: boolean;
}

const PLAIN_SAFE = /^[A-Za-z.\/][^:#'"@{}[\],&*!|>%`]*$/;

function scalar(v: string | number | boolean, s: Style): string {
  if (typeof v !== 'string') return String(v);
  if (s.quote === 'plain' && PLAIN_SAFE.test(v) && !/\s$/.test(v)) return v;
  if (s.quote === 'single') return `'${v.replace(/'/g, "''")}'`;
  return JSON.stringify(v);
}

/**
 * Keys in a shuffled order, except where the written order is meaning: matrix axes name the job ids, and
 * fusion images become frame_1_path, frame_2_path ... (and @pic1, @pic2 in the prompt) in written order.
 */
function keysOf(o: { [key: string]: Y }, s: Style, parent: string): string[] {
  const keys = Object.keys(o);
  if (parent === 'matrix' || parent === 'images') return keys;
  let x = s.seed + keys.length * 7919;
  return keys
    .map((k) => {
      x = (x * 1103515245 + 12345) % 2147483648;
      return [x, k] as const;
    })
    .sort((a, b) => a[0] - b[0])
    .map(([, k]) => k);
}

function emit(value: Y, s: Style, depth: number, parent: string, out: string[]): void {
  const pad = ' '.repeat(s.indent * depth);
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item === 'object') {
        const inner: string[] = [];
        emit(item, s, depth + 1, parent, inner);
        out.push(`${pad}- ${inner[0]!.trimStart()}`, ...inner.slice(1));
      } else out.push(`${pad}- ${scalar(item, s)}`);
    }
    return;
  }
  if (typeof value !== 'object') throw new Error('emit a scalar through its key');
  for (const key of keysOf(value, s, parent)) {
    const v = value[key]!;
    if (s.comments) out.push(`${pad}# about ${key}`);
    if (typeof v === 'object' && (Array.isArray(v) ? v.length > 0 : Object.keys(v).length > 0)) {
      if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) out.push(`${pad}${key}: [${v.map((x) => scalar(x as string, s)).join(', ')}]`);
      else {
        out.push(`${pad}${key}:`);
        emit(v, s, depth + 1, key, out);
      }
    } else if (typeof v === 'object') out.push(`${pad}${key}: ${Array.isArray(v) ? '[]' : '{}'}`);
    else out.push(`${pad}${key}: ${scalar(v, s)}${s.comments ? '   # trailing note' : ''}`);
    if (s.blankLines && depth <= 1) out.push('');
  }
}

const yamlOf = (spec: { [key: string]: Y }, s: Style): string => {
  const lines: string[] = [];
  emit(spec, s, 0, '', lines);
  return lines.join(s.crlf ? '\r\n' : '\n') + (s.crlf ? '\r\n' : '\n');
};

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pixrender-fp-text-'));
  await mkdir(join(dir, 'images'));
  await writeFile(join(dir, 'images', 'hero.png'), 'hero image bytes');
  await writeFile(join(dir, 'images', 'cup.jpg'), 'cup image bytes');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fingerprints(text: string): Promise<Record<string, string>> {
  const file = join(dir, 'teaser.yaml');
  await writeFile(file, text);
  const loaded = await loadManifest(file);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (!loaded.manifest || errors.length > 0) throw new Error(`invalid manifest:\n${errors.map((d) => d.message).join('\n')}\n${text}`);
  const graph = buildGraph(loaded.manifest, await hashAssets(loaded.manifest));
  if (!graph.ok) throw new Error(graph.error.map((d) => d.message).join('\n'));
  return Object.fromEntries(graph.value.nodes.map((n) => [n.job.id, n.fingerprint]));
}

const BASE: Style = { indent: 2, seed: 0, comments: false, quote: 'double', crlf: false, blankLines: false };

describe('fingerprints of a manifest text', () => {
  it('stay the same under key order, comments, whitespace, quoting and line endings', async () => {
    const baseline = await fingerprints(yamlOf(SPEC, BASE));
    expect(Object.keys(baseline)).toHaveLength(13);
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          indent: fc.constantFrom(2, 3, 4),
          seed: fc.nat(),
          comments: fc.boolean(),
          quote: fc.constantFrom('plain' as const, 'double' as const, 'single' as const),
          crlf: fc.boolean(),
          blankLines: fc.boolean(),
        }),
        async (style) => {
          expect(await fingerprints(yamlOf(SPEC, style))).toEqual(baseline);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('change for the edited job and the jobs below it only', async () => {
    const baseline = await fingerprints(yamlOf(SPEC, BASE));
    const jobs = SPEC['jobs'] as { [key: string]: { [key: string]: Y } };
    const edited = { ...SPEC, jobs: { ...jobs, pour: { ...jobs['pour']!, prompt: 'Close-up of tea pouring into ${cup_desc}' } } };
    const after = await fingerprints(yamlOf(edited, BASE));
    const changed = Object.keys(baseline).filter((id) => baseline[id] !== after[id]);
    expect(changed.sort()).toEqual(['anime', 'bridge', 'pour']);
  });
});
