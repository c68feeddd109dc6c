import { describe, expect, it } from 'vitest';
import { codes, job, load, loadValid } from './helpers.js';

describe('variables', () => {
  it('layers manifest vars < job vars < matrix values, with built-ins ${name} and ${job}', async () => {
    const m = await loadValid(`
version: 1
name: demo
vars: { a: manifest-a, b: manifest-b, c: manifest-c }
jobs:
  x:
    vars: { b: job-b, c: job-c }
    prompt: \${a} \${b} \${c} \${name} \${job}
    matrix: { c: [cell] }
`);
    expect(job(m, 'x[c=cell]').params.prompt).toBe('manifest-a job-b cell demo x[c=cell]');
  });

  it('expands variables inside variables, and $\${ writes a literal \${', async () => {
    const m = await loadValid(`
version: 1
vars: { what: "\${color} cup", color: red }
jobs:
  x: { prompt: "A \${what}, price $\${price}", vars: { color: blue } }
`);
    expect(job(m, 'x').params.prompt).toBe('A blue cup, price ${price}');
  });

  it('reports every unknown variable with a did-you-mean, at the reference', async () => {
    const text = 'version: 1\nvars: { product: cup }\njobs:\n  x: { prompt: "\${prodcut} and \${nothing}" }\n';
    const r = await load(text);
    expect(codes(r)).toEqual(['unknown-var', 'unknown-var']);
    expect(r.diagnostics[0]).toMatchObject({ message: 'unknown variable "prodcut"', hint: 'did you mean "product"?' });
    expect(r.diagnostics[0]!.location!.range).toEqual({ offset: text.indexOf('${prodcut}'), length: '${prodcut}'.length });
    expect(r.diagnostics[1]!.location!.range.offset).toBe(text.indexOf('${nothing}'));
  });

  it('expands variables in references, so a matrix can pick inputs', async () => {
    const m = await loadValid(
      `
version: 1
assets: { a: ./a.png, b: ./b.png }
jobs:
  x:
    image: \${shot}
    prompt: p
    matrix: { shot: [a, b] }
`,
      { '/proj/a.png': 'A', '/proj/b.png': 'B' },
    );
    expect(m.jobs.map((j) => j.inputs.first_frame_path)).toEqual([
      { type: 'asset', name: 'a', file: '/proj/a.png' },
      { type: 'asset', name: 'b', file: '/proj/b.png' },
    ]);
  });
});

describe('matrix', () => {
  const text = `
version: 1
jobs:
  v:
    prompt: \${product} in \${style}
    model: v4.5               # an Aug-2025 model: it still takes style
    vars: { product: cup }
    matrix:
      style: [clay, anime, cyberpunk]
      seed: [1, 2]
  one:
    extend: v[seed=2,style=anime]
post:
  - contactSheet: [v]
`;

  it('expands the cartesian product in order, first key outermost', async () => {
    const m = await loadValid(text);
    expect(m.jobs.map((j) => j.id)).toEqual([
      'v[style=clay,seed=1]',
      'v[style=clay,seed=2]',
      'v[style=anime,seed=1]',
      'v[style=anime,seed=2]',
      'v[style=cyberpunk,seed=1]',
      'v[style=cyberpunk,seed=2]',
      'one',
    ]);
    const cell = job(m, 'v[style=anime,seed=2]');
    expect(cell.matrix).toEqual({ style: 'anime', seed: 2 });
    expect(cell.params).toMatchObject({ prompt: 'cup in anime', style: 'anime', seed: 2 });
    expect(cell.output).toBe('renders/show/v.style-anime.seed-2.mp4');
  });

  it('finds a cell whatever the order of its keys; a matrix name in post means every cell', async () => {
    const m = await loadValid(text);
    expect(job(m, 'one').inputs.video_id).toEqual({ type: 'job-video', job: 'v[style=anime,seed=2]' });
    expect(m.post[0]!.inputs).toEqual(m.jobs.slice(0, 6).map((j) => j.id));
  });

  it('is an error to use a whole matrix job as an input', async () => {
    const r = await load('version: 1\njobs:\n  v: { prompt: p, matrix: { seed: [1, 2] } }\n  w: { extend: v }\n');
    expect(r.diagnostics).toMatchObject([{ code: 'matrix-ref', hint: 'e.g. "v[seed=1]"' }]);
  });

  it('sets only fields the kind accepts; other keys are variables only', async () => {
    const m = await loadValid('version: 1\njobs:\n  a: { prompt: p }\n  u:\n    upscale: a\n    matrix: { quality: [360p, 720p] }\n');
    expect(m.jobs.slice(1).map((j) => j.params)).toEqual([{}, {}]);
  });
});

describe('then-chains', () => {
  const text = `
version: 1
defaults: { quality: 360p }
jobs:
  intro:
    prompt: p
    quality: 540p
    then:
      - extend: { prompt: more, duration: 8 }
      - restyle: { style: clay }
      - upscale: {}
  end: { extend: intro }
  mid: { extend: intro.1 }
  start: { extend: intro.0 }
`;

  it('expands steps into ids intro.1, intro.2 …, each consuming the one before', async () => {
    const m = await loadValid(text);
    expect(m.jobs.map((j) => `${j.id}:${j.kind}`)).toEqual(['intro:create', 'intro.1:extend', 'intro.2:restyle', 'intro.3:upscale', 'end:extend', 'mid:extend', 'start:extend']);
    expect(job(m, 'intro.1').inputs).toEqual({ video_id: { type: 'job-video', job: 'intro' } });
    expect(job(m, 'intro.2').inputs).toEqual({ video_id: { type: 'job-video', job: 'intro.1' } });
    expect(job(m, 'intro.3').inputs).toEqual({ video_id: { type: 'job-video', job: 'intro.2' } });
    expect(m.jobs.map((j) => j.output)).toContain('renders/show/intro.2.mp4');
  });

  it('resolves `intro` to the end of the chain, intro.N to a step and intro.0 to the job itself', async () => {
    const m = await loadValid(text);
    expect(job(m, 'end').inputs.video_id).toEqual({ type: 'job-video', job: 'intro.3' });
    expect(job(m, 'mid').inputs.video_id).toEqual({ type: 'job-video', job: 'intro.1' });
    expect(job(m, 'start').inputs.video_id).toEqual({ type: 'job-video', job: 'intro' });
  });

  it("passes the job's settings on to its steps; a step's own fields win", async () => {
    const m = await loadValid(text);
    expect(job(m, 'intro.1').params).toMatchObject({ quality: '540p', duration: 8, prompt: 'more' });
    expect(job(m, 'end').params).toMatchObject({ quality: '360p' });
  });

  it('keeps the step key as the location of a step', async () => {
    const m = await loadValid(text);
    expect(job(m, 'intro.2').location.range.offset).toBe(text.indexOf('restyle: { style'));
  });

  it('chains every matrix cell', async () => {
    const m = await loadValid('version: 1\njobs:\n  v:\n    prompt: p\n    matrix: { seed: [1, 2] }\n    then: [{ upscale: }]\n  x: { extend: "v[seed=2].0" }\n');
    expect(m.jobs.map((j) => j.id)).toEqual(['v[seed=1]', 'v[seed=1].1', 'v[seed=2]', 'v[seed=2].1', 'x']);
    expect(job(m, 'v[seed=2].1').output).toBe('renders/show/v.seed-2.1.mp4');
    expect(job(m, 'x').inputs.video_id).toEqual({ type: 'job-video', job: 'v[seed=2]' });
  });
});

describe('YAML anchors and merge keys', () => {
  it('share settings between jobs', async () => {
    const m = await loadValid(`
version: 1
jobs:
  a: &base
    prompt: p
    quality: 360p
  b:
    <<: *base
    seed: 7
`);
    expect(job(m, 'b').params).toMatchObject({ prompt: 'p', quality: '360p', seed: 7 });
  });

  it('point diagnostics about merged fields at the job that merges them', async () => {
    const text = 'version: 1\nshared: &s { effect: Snow Glob }\njobs:\n  a:\n    <<: *s\n';
    const r = await load(text);
    expect(codes(r)).toEqual(['unknown-field']); // `shared` is not a manifest field
    const r2 = await load('version: 1\njobs:\n  a: &s { prompt: p, effect: Snow Glob }\n  b:\n    <<: *s\n');
    expect(r2.diagnostics.map((d) => [d.code, d.location!.range.offset])).toEqual([
      ['unknown-effect', 'version: 1\njobs:\n  a: &s { prompt: p, effect: '.length],
      ['unknown-effect', 'version: 1\njobs:\n  a: &s { prompt: p, effect: Snow Glob }\n  b:\n    '.length],
    ]);
  });
});
