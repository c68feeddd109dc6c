/** --preview: forced cheap settings within catalog limits, outputs and state in their own namespace. */
import { describe, expect, it } from 'vitest';
import { deepMerge, loadCatalog, type Catalog } from '../../src/catalog.js';
import { jobId } from '../../src/model.js';
import { previewManifest, previewOutput, previewParams, previewState } from '../../src/watch/preview.js';
import { create, job, manifest, transition, upscale } from '../graph/builders.js';

const catalog = loadCatalog();

describe('previewParams', () => {
  it('forces 360p and 5 s over whatever the cascade chose', () => {
    const params = previewParams(create('intro', { quality: '720p', duration: 8, motion_mode: 'normal' }), catalog);
    expect(params).toMatchObject({ quality: '360p', duration: 5, motion_mode: 'normal', prompt: 'shot intro', seed: 7 });
  });

  it('never raises a setting: a job already cheaper keeps it', () => {
    const custom = deepMerge(catalog, { models: { 'v4.5': { qualities: ['240p', '360p', '540p'] } }, prices: { '240p': { '5': { normal: 10 } } } }) as Catalog;
    expect(previewParams(create('tiny', { quality: '240p' }), custom)).toMatchObject({ quality: '240p', duration: 5 });
  });

  it('takes the cheapest combination the model allows when 360p or 5 s is not offered', () => {
    const custom = deepMerge(catalog, { models: { 'v4.5': { qualities: ['540p', '720p', '1080p'], durations: [8, 10] } } }) as Catalog;
    const prices = deepMerge(custom.prices, { '540p': { '10': { normal: 90 } }, '720p': { '10': { normal: 120 } } }) as Catalog['prices'];
    const params = previewParams(create('intro', { quality: '1080p', duration: 10 }), { ...custom, prices });
    expect(params).toMatchObject({ quality: '540p', duration: 8 });
  });

  it('respects the qualities an effect renders at', () => {
    const custom = deepMerge(catalog, {}) as Catalog;
    custom.effects = [{ template_id: 999, display_name: 'Sparkle', effect_type: '1', qualities: ['540p', '720p'] }];
    const effectJob = create('spark', { quality: '720p', template_id: 999 });
    delete effectJob.params.model;
    expect(previewParams(effectJob, custom)).toMatchObject({ quality: '540p', duration: 5 });
  });

  it('shortens every transition segment', () => {
    const t = transition('bridge', ['a', 'b', 'c'], { duration_1_to_2: 8, duration_2_to_3: 5, quality: '720p' });
    expect(previewParams(t, catalog)).toMatchObject({ quality: '360p', duration_1_to_2: 5, duration_2_to_3: 5 });
  });

  it('leaves jobs without quality or duration alone', () => {
    const u = upscale('big', 'intro');
    expect(previewParams(u, catalog)).toBe(u.params);
  });
});

describe('preview outputs and state', () => {
  it('moves outputs into a preview folder inside the output folder', () => {
    expect(previewOutput('renders/teaser/intro.mp4', '/p', '/p/renders/teaser')).toBe('renders/teaser/preview/intro.mp4');
    expect(previewOutput('renders/teaser/shots/a.mp4', '/p', '/p/renders/teaser')).toBe('renders/teaser/preview/shots/a.mp4');
    expect(previewOutput('elsewhere/x.mp4', '/p', '/p/renders/teaser')).toBe('.pixrender/preview/out/elsewhere/x.mp4');
  });

  it('rewrites every job and post step, keeping ids and references', () => {
    const m = manifest([create('intro', { quality: '540p' }), job('big', 'upscale', {}, { video_id: { type: 'job-video', job: jobId('intro') } })], {
      file: '/project/teaser.yaml',
      outputDir: '/project/renders',
      post: [{ kind: 'concat', inputs: [jobId('intro'), jobId('big')], output: 'renders/teaser.mp4', location: { file: 'x', range: { offset: 0, length: 1 } } }],
    });
    const p = previewManifest(m, catalog);
    expect(p.jobs.map((j) => [j.id, j.output, j.params.quality])).toEqual([
      ['intro', 'renders/preview/intro.mp4', '360p'],
      ['big', 'renders/preview/big.mp4', undefined],
    ]);
    expect(p.jobs[1]!.inputs).toEqual(m.jobs[1]!.inputs);
    expect(p.post[0]!.output).toBe('renders/preview/teaser.mp4');
    expect(p.outputDir).toBe('/project/renders/preview');
    expect(m.jobs[0]!.params.quality).toBe('540p'); // the input is not mutated
  });

  it('keeps its own lock and journal under .pixrender/preview/', () => {
    expect(previewState('/project/teaser.yaml')).toEqual({ stateDir: '/project/.pixrender/preview', lockFile: '/project/.pixrender/preview/teaser.yaml.lock' });
  });
});
