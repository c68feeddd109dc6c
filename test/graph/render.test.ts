import { describe, expect, it } from 'vitest';
import { graphView, renderDot, renderMermaid } from '../../src/commands/graph.js';
import { formatPlan, planJson } from '../../src/commands/plan.js';
import { jobId, type LockFile } from '../../src/model.js';
import { plan } from '../../src/plan.js';
import { catalog, create, extend, graphOf, lockOf, manifest, transition } from './builders.js';

const loc = { file: '/project/teaser.yaml', range: { offset: 0, length: 1 } };
const teaser = () =>
  manifest([create('intro'), extend('intro.1', 'intro'), create('pour'), transition('bridge', ['intro.1', 'pour'])], {
    post: [{ kind: 'concat', inputs: [jobId('intro.1'), jobId('bridge'), jobId('pour')], output: 'teaser.mp4', location: loc }],
  });

describe('graph output', () => {
  it('lists jobs and post steps as nodes, with labelled edges', () => {
    const view = graphView(graphOf(teaser()));
    expect(view.nodes.map((n) => [n.id, n.kind, n.post])).toEqual([
      ['intro', 'create', false],
      ['intro.1', 'extend', false],
      ['pour', 'create', false],
      ['bridge', 'transition', false],
      ['post:1', 'concat', true],
    ]);
    expect(view.edges).toEqual([
      { from: 'intro', to: 'intro.1', label: 'video' },
      { from: 'intro.1', to: 'bridge', label: 'last frame' },
      { from: 'pour', to: 'bridge', label: 'first frame' },
      { from: 'intro.1', to: 'post:1', label: 'concat' },
      { from: 'bridge', to: 'post:1', label: 'concat' },
      { from: 'pour', to: 'post:1', label: 'concat' },
    ]);
  });

  it('prints mermaid with safe node keys and post steps in the subroutine shape', () => {
    const text = renderMermaid(graphView(graphOf(teaser())));
    expect(text.split('\n').slice(0, 7)).toEqual([
      'flowchart LR',
      '  n0["intro<br/>create"]',
      '  n1["intro.1<br/>extend"]',
      '  n2["pour<br/>create"]',
      '  n3["bridge<br/>transition"]',
      '  n4[["concat<br/>teaser.mp4"]]',
      '  n0 -->|"video"| n1',
    ]);
  });

  it('prints dot with quoted ids', () => {
    const text = renderDot(graphView(graphOf(teaser())));
    expect(text).toContain('digraph "teaser" {');
    expect(text).toContain('  "intro.1" -> "bridge" [label="last frame"];');
    expect(text).toContain('  "post:1" [label="concat\\nteaser.mp4", shape=note, style=dashed];');
    expect(text.endsWith('}')).toBe(true);
  });
});

describe('plan output', () => {
  const NOW = new Date('2026-06-01T00:00:00Z');
  const EMPTY: LockFile = { version: 1, jobs: {} };

  it('has the documented JSON shape', () => {
    const graph = graphOf(teaser());
    const json = planJson(plan({ graph, lock: EMPTY, outputsPresent: new Set(), catalog, now: NOW, budgetCredits: 100, offPeakMultiplier: 0.5 }));
    expect(json.jobs[3]).toEqual({
      id: 'bridge',
      kind: 'transition',
      endpoint: 'videos/create-transition',
      action: 'render',
      reason: 'no lock entry',
      inFlight: null,
      credits: 30,
      creditsStandard: 30,
      creditsOffPeak: 15,
      offPeak: false,
      model: 'v5',
      quality: '540p',
      duration: 5,
      fingerprint: graph.byId.get(jobId('bridge'))!.fingerprint,
      dependsOn: ['intro.1', 'pour'],
    });
    expect(json.totals).toEqual({ credits: 120, creditsStandard: 120, jobs: 4, render: 4, inFlight: 0, creditsCommitted: 0, cached: 0, download: 0 });
    expect([json.budget, json.overBudget]).toEqual([100, true]);
  });

  it('prints a table, the totals and the budget verdict', () => {
    const graph = graphOf(teaser());
    const lock = lockOf(graph, ['intro', 'intro.1']);
    const text = formatPlan(plan({ graph, lock, outputsPresent: new Set(['intro']), catalog, now: NOW, budgetCredits: 50, offPeakMultiplier: 0.5 }));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^JOB\s+KIND\s+ENDPOINT\s+MODEL\s+QUALITY\s+DUR\s+ACTION\s+STANDARD\s+OFF-PEAK\s+MODE\s+CREDITS\s+WHY$/);
    expect(lines[1]).toMatch(/^intro\s+create\s+videos\/create\s+v4\.5\s+540p\s+5s\s+cached\s+30\s+15\s+-\s+0$/);
    expect(lines[2]).toMatch(/^intro\.1\s+extend .* download .* output file missing$/);
    expect(lines[3]).toMatch(/^pour .* render\s+30\s+15\s+standard\s+30\s+no lock entry$/);
    expect(lines.slice(-3)).toEqual([
      '4 jobs: 2 to render, 1 cached, 1 to download',
      'credits: 60',
      'OVER BUDGET: this plan needs 60 credits, the budget is 50 (10 over); raise budget.credits, use off-peak, or render fewer jobs',
    ]);
  });
});
