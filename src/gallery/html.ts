/**
 * Page model → HTML. Plain strings, no framework; every manifest string goes through `esc`. The static page
 * shows every clip and its metadata without JavaScript; the script only adds filtering, keyboard
 * navigation, the compare view and (live) updates over server-sent events.
 */
import { unreachable } from '../diagnostic.js';
import { CLIENT_JS, STYLE } from './assets.js';
import { anchorOf, type Card, type CardState, Clip, ComparePair, CostPanel, PageModel, PostOutput, Section } from './model.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (value: string | number): string => String(value).replace(/[&<>"']/g, (c) => ENTITIES[c]!);

export function renderPage(model: PageModel): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${esc(model.title)} · pixrender gallery</title>
<style>${STYLE}</style>
</head>
<body${model.live ? ' data-live="1"' : ''}>
<header>
<h1>${esc(model.title)} <small>pixrender gallery</small></h1>
<p id="status" role="status" aria-live="polite">${statusLine(model)}</p>
<form id="filters" hidden role="search" aria-label="Filter jobs">
<label for="q">Filter</label> <input id="q" type="search" placeholder="id, prompt, model… (press /)" autocomplete="off">
<label for="state">State</label> <select id="state"><option value="">any</option>${STATE_OPTIONS}</select>
<span class="hint">j / k: next / previous card · c: compare</span>
</form>
</header>
<main id="main">
${renderMain(model)}
</main>
<dialog id="compare" aria-label="Compare two versions">
<form method="dialog"><div class="pickers">
<label>Left <select id="cmp-a"></select></label> <label>Right <select id="cmp-b"></select></label>
<button>Close</button></div></form>
<div class="pair"><video id="cmp-va" controls muted preload="metadata"></video><video id="cmp-vb" controls muted preload="metadata"></video></div>
</dialog>
<script>${CLIENT_JS}</script>
</body>
</html>
`;
}

/** Everything that changes between updates: the live page swaps this (cards whose `data-rev` is unchanged are kept). */
export function renderMain(model: PageModel): string {
  return [
    model.notice !== undefined ? `<p class="notice" role="alert">${esc(model.notice)}</p>` : '',
    costPanel(model.cost),
    ...runsOfSingles(model.sections).map((run) =>
      Array.isArray(run) ? `<section class="group singles" aria-label="jobs">${run.map((s) => renderCard(model.cards.get(s.card)!)).join('')}</section>` : section(run, model),
    ),
    postOutputs(model.post),
    compares(model.compares),
  ].join('\n');
}

export function statusLine(model: PageModel): string {
  const cards = [...model.cards.values()];
  const count = (k: CardState['kind']) => cards.filter((c) => c.state.kind === k).length;
  const parts = [`${cards.length} jobs`, `${count('cached')} cached`];
  for (const k of ['stale', 'rendering', 'pending', 'failed', 'not-rendered'] as const) if (count(k) > 0) parts.push(`${count(k)} ${k.replace('-', ' ')}`);
  return `${esc(parts.join(' · '))} · <time datetime="${esc(model.generatedAt)}">${esc(model.generatedAt.replace('T', ' ').slice(0, 19))} UTC</time>${model.live ? ' · live' : ''}`;
}

const STATE_LABEL: Record<CardState['kind'], string> = {
  cached: 'cached',
  stale: 'stale',
  failed: 'failed',
  skipped: 'skipped',
  pending: 'pending',
  rendering: 'rendering',
  'not-rendered': 'not rendered',
  missing: 'output missing',
};
const STATE_OPTIONS = Object.entries(STATE_LABEL)
  .map(([v, l]) => `<option value="${v}">${l}</option>`)
  .join('');

/** Consecutive single jobs share one grid; chains and matrices keep their own sections. */
function runsOfSingles(sections: readonly Section[]): (Section | Extract<Section, { kind: 'single' }>[])[] {
  const out: (Section | Extract<Section, { kind: 'single' }>[])[] = [];
  for (const s of sections) {
    const last = out[out.length - 1];
    if (s.kind !== 'single') out.push(s);
    else if (Array.isArray(last)) last.push(s);
    else out.push([s]);
  }
  return out;
}

function section(s: Section, model: PageModel): string {
  const card = (id: string) => renderCard(model.cards.get(id as Card['id'])!);
  switch (s.kind) {
    case 'single':
      return `<section class="group single">${card(s.card)}</section>`;
    case 'chain':
      return `<section class="group chain" aria-labelledby="g-${anchorOf(s.name)}"><h2 id="g-${anchorOf(s.name)}">${esc(s.name)} <small>then: ${s.steps.length} steps, in order</small></h2><ol class="steps">${s.steps
        .map((id) => `<li>${card(id)}</li>`)
        .join('')}</ol></section>`;
    case 'matrix': {
      const head = `<tr><th scope="col">${esc(s.rowAxes.join(', ') || '')}</th>${s.cols.map((c) => `<th scope="col">${esc(s.colAxis)}=${esc(c)}</th>`).join('')}</tr>`;
      const rows = s.rows.map((r) => `<tr><th scope="row">${esc(r.label)}</th>${r.cells.map((id) => `<td>${id ? card(id) : ''}</td>`).join('')}</tr>`).join('');
      return `<section class="group matrix"><h2>${esc(s.name)} <small>matrix</small></h2><div class="scroll"><table><caption class="sr">${esc(s.name)}: rows ${esc(
        s.rowAxes.join(', ') || '(one row)',
      )}, columns ${esc(s.colAxis)}</caption><thead>${head}</thead><tbody>${rows}</tbody></table></div></section>`;
    }
    default:
      return unreachable(s);
  }
}

export function renderCard(c: Card): string {
  const body = `<h3><a href="#${c.anchor}">${esc(c.id)}</a> <span class="kind">${esc(c.kind)}</span>${c.backend === 'sim' ? ' <span class="sim" title="rendered by the embedded simulator: a test pattern, not a real render">SIMULATOR</span>' : ''}</h3>
${c.clip ? video(c.clip, c.id) : `<div class="noclip" role="img" aria-label="no clip for ${esc(c.id)} yet">no clip yet</div>`}
<p class="state st-${c.state.kind}">${stateText(c.state)}</p>
${c.prompt !== undefined ? `<p class="prompt">${esc(c.prompt)}</p>` : ''}
<dl>${meta(c)}</dl>
${links('from', c.lineage)}${links('used by', c.usedBy)}${asideList(c)}`;
  const search = [c.id, c.kind, c.prompt ?? '', c.model ?? '', c.quality ?? '', c.state.kind, c.backend ?? ''].join(' ').toLowerCase();
  return `<article id="${c.anchor}" class="card" tabindex="0" aria-labelledby="${c.anchor}-h" data-state="${c.state.kind}" data-job="${esc(c.id)}" data-search="${esc(search)}" data-rev="${revOf(body)}">${body.replace('<h3>', `<h3 id="${c.anchor}-h">`)}</article>`;
}

function video(clip: Clip, id: string): string {
  return `<video controls muted playsinline preload="metadata" src="${esc(clip.src)}"${clip.poster ? ` poster="${esc(clip.poster)}"` : ''} aria-label="${esc(clip.label)}" data-version="${esc(clip.version)}"><a href="${esc(clip.src)}">Download the clip of ${esc(id)}</a></video>`;
}

function stateText(s: CardState): string {
  switch (s.kind) {
    case 'cached':
      return 'cached';
    case 'stale':
      return `stale: ${esc(s.reason)}`;
    case 'failed':
      return `failed: ${esc(s.message)}`;
    case 'skipped':
      return `skipped: ${esc(s.message)}`;
    case 'pending':
      return `pending${s.videoId ? ` (${esc(s.videoId)})` : ''}: submitted, still rendering`;
    case 'rendering':
      return `rendering (${esc(s.step)})`;
    case 'not-rendered':
      return `not rendered: ${esc(s.reason)}`;
    case 'missing':
      return 'output missing: render downloads it again';
    default:
      return unreachable(s);
  }
}

function meta(c: Card): string {
  const rows: [string, string | number | undefined][] = [
    ['model', c.model],
    ['quality', c.quality],
    ['duration', c.duration !== undefined ? `${c.duration} s` : undefined],
    ['seed', c.seed],
    ['credits planned', c.planned],
    ['credits charged', c.charged ?? '—'],
    ['off-peak', c.offPeak ? 'yes' : 'no'],
    ['backend', c.backend === 'sim' ? 'simulator' : c.backend === 'useapi' ? 'PixVerse API' : '—'],
    ...Object.entries(c.matrix ?? {}).map(([k, v]) => [`matrix ${k}`, v] as [string, string | number]),
  ];
  return rows
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v!)}</dd>`)
    .join('');
}

/** `from: extends intro` on the job that uses another; `used by: night (extends)` on the one used; `of` a post step: the links alone. */
function links(title: 'from' | 'used by' | 'of', list: Card['lineage']): string {
  if (list.length === 0) return '';
  const link = (l: Card['lineage'][number]) => `<a class="lineage-link" href="#${l.anchor}" data-target="${esc(l.target)}">${esc(l.target)}</a>`;
  if (title === 'of') return list.map(link).join(', ');
  return `<p class="lineage">${esc(title)}: ${list.map((l) => (title === 'from' ? `${esc(l.relation)} ${link(l)}` : `${link(l)} (${esc(l.relation)})`)).join(', ')}</p>`;
}

function asideList(c: Card): string {
  if (c.aside.length === 0) return '';
  return `<details class="aside"><summary>${c.aside.length} earlier version${c.aside.length > 1 ? 's' : ''} kept aside</summary>${c.aside.map((a) => video(a, c.id)).join('')}</details>`;
}

function costPanel(cost: CostPanel): string {
  // One row of names over one row of credits: the panel stays a few lines high however many models there are.
  const table = (title: string, rows: CostPanel['byModel']) =>
    `<table><caption>${esc(title)}</caption><tbody><tr><th scope="row">${esc(title.replace('by ', ''))}</th>${rows.map((r) => `<th scope="col">${esc(r.name)}</th>`).join('')}</tr><tr><th scope="row">credits</th>${rows
      .map((r) => `<td>${esc(r.credits)}</td>`)
      .join('')}</tr></tbody></table>`;
  return `<section class="cost" aria-labelledby="cost-h"><h2 id="cost-h">Credits</h2>
<p><strong data-cost="charged">${esc(cost.charged)}</strong> charged for the clips in the lock${cost.simulated > 0 ? ` (${esc(cost.simulated)} of them on the simulator, not billed)` : ''} · <strong data-cost="saved">${esc(cost.offPeakSaved)}</strong> saved off-peak · <strong data-cost="to-spend">${esc(cost.toSpend)}</strong> still to spend for what is not rendered or stale</p>
<div class="tables">${table('by model', cost.byModel)}${table('by kind', cost.byKind)}</div></section>`;
}

function postOutputs(steps: PostOutput[]): string {
  if (steps.length === 0) return '';
  const media = (p: PostOutput) => {
    if (!p.media) return `<div class="noclip" role="img" aria-label="${esc(p.name)} is not made yet">not made yet</div>`;
    if (p.media.type === 'image') return `<a href="${esc(p.media.src)}"><img src="${esc(p.media.src)}" alt="${esc(p.media.label)}"></a>`;
    return video({ src: p.media.src, ...(p.media.poster ? { poster: p.media.poster } : {}), version: p.media.version, label: p.media.label }, p.name);
  };
  return `<section class="group post" aria-labelledby="post-h"><h2 id="post-h">Post steps</h2><div class="singles">${steps
    .map((p) => `<figure class="post-step">${media(p)}<figcaption><strong>${esc(p.name)}</strong> ${p.kind === 'concat' ? 'concat' : 'contact sheet'} of ${links('of', p.inputs)}</figcaption></figure>`)
    .join('')}</div></section>`;
}

function compares(pairs: ComparePair[]): string {
  if (pairs.length === 0) return '';
  const clip = (c: ComparePair['left']) =>
    `<figure><figcaption>${esc(c.label)}</figcaption>${video(c, c.job)}</figure>`;
  return `<section class="compares" aria-labelledby="cmp-h"><h2 id="cmp-h">Compare</h2>${pairs
    .map((p) => `<details class="compare-pair"><summary>${esc(p.label)}</summary><div class="pair">${clip(p.left)}${clip(p.right)}</div></details>`)
    .join('')}</section>`;
}

/** FNV-1a of a card's HTML: the live page replaces a card only when this changes (a playing clip keeps playing). */
function revOf(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}
