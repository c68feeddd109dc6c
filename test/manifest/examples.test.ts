import { readdirSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KINDS } from '../../src/kinds/index.js';
import { loadManifest } from '../../src/manifest/index.js';
import type { JobKind } from '../../src/model.js';

const examples = readdirSync('examples').filter((f) => f.endsWith('.yaml'));

describe('examples', () => {
  it.each(examples)('%s validates without any diagnostic', async (name) => {
    const file = `examples/${name}`;
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('# yaml-language-server: $schema=../schemas/manifest.schema.json\n')).toBe(true);
    const result = await loadManifest(file);
    expect(result.diagnostics).toEqual([]);
    expect(result.manifest!.jobs.length).toBeGreaterThan(0);
  });

  it('cover every job kind, a matrix, a then-chain and both post steps', async () => {
    const kinds = new Set<JobKind>();
    let matrix = false;
    let chain = false;
    const post = new Set<string>();
    let effect = false;
    let image = false;
    for (const name of examples) {
      const m = (await loadManifest(`examples/${name}`)).manifest!;
      for (const j of m.jobs) {
        kinds.add(j.kind);
        matrix ||= j.matrix !== undefined;
        chain ||= /\.\d+$/.test(j.id);
        effect ||= j.params.template_id !== undefined;
        image ||= j.kind === 'create' && j.inputs.first_frame_path !== undefined;
      }
      for (const p of m.post) post.add(p.kind);
    }
    expect([...kinds].sort()).toEqual(KINDS.map((k) => k.kind).sort());
    expect({ matrix, chain, effect, image, post: [...post].sort() }).toEqual({ matrix: true, chain: true, effect: true, image: true, post: ['concat', 'contactSheet'] });
  });

  it('quickstart is small and cheap: two 360p 5 s jobs, the second using the first', async () => {
    const m = (await loadManifest('examples/quickstart.yaml')).manifest!;
    expect(m.jobs).toHaveLength(2);
    for (const j of m.jobs) expect(j.params).toMatchObject({ quality: '360p', duration: 5 });
    expect(m.jobs[1]!.inputs.video_id).toEqual({ type: 'job-video', job: m.jobs[0]!.id });
  });

  it('ships small real asset files', () => {
    const assets = readdirSync('examples/assets');
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const a of assets) expect(statSync(`examples/assets/${a}`).size).toBeLessThan(50_000);
    const png = readFileSync('examples/assets/hero.png');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    const jpg = readFileSync('examples/assets/cup.jpg');
    expect([jpg[0], jpg[1]]).toEqual([0xff, 0xd8]);
    expect(readFileSync('examples/assets/voice.wav').subarray(0, 4).toString()).toBe('RIFF');
  });
});
