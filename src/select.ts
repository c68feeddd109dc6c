/**
 * `--only` / `--exclude`: which jobs of the graph a run, a plan or a status works on. Patterns are job
 * ids with `*` and `?` wildcards; a matrix cell pattern `hero[aspect=9:16,*]` matches the cells of `hero`
 * whose values match, in any key order (`*` among the cells allows other keys; without it the keys
 * must be exactly those). The jobs a selected job consumes come along, so what is selected can run.
 */
import { closest } from './catalog.js';
import type { Diagnostic, Result } from './diagnostic.js';
import { err, ok } from './diagnostic.js';
import type { BuiltGraph } from './graph.js';
import type { JobId } from './model.js';

export interface Selection {
  only: readonly string[];
  exclude: readonly string[];
}

/** What a selection kept, for the plan to say. */
export interface SelectionSummary {
  /** Jobs the patterns chose (after --exclude). */
  chosen: JobId[];
  /** Jobs not chosen but needed by a chosen one, so they come along. */
  upstream: JobId[];
  /** Jobs of the manifest left out. */
  left: number;
}

export const isEmptySelection = (s: Selection | undefined): boolean => !s || (s.only.length === 0 && s.exclude.length === 0);

const globRegExp = (glob: string): RegExp =>
  new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');

interface CellId {
  name: string;
  cells: [string, string][];
  rest: string;
}

/** `hero[aspect=9:16,style=noir].1` → name, cells, the step suffix. Values hold no `,` or `]` in ids. */
function parseCell(id: string): CellId | undefined {
  const m = /^([^[]+)\[([^\]]*)\](.*)$/s.exec(id);
  if (!m) return undefined;
  const cells = m[2]!.split(',').map((item): [string, string] => {
    const cut = item.indexOf('=');
    return cut < 0 ? [item, ''] : [item.slice(0, cut), item.slice(cut + 1)];
  });
  return { name: m[1]!, cells, rest: m[3]! };
}

/** A test for job ids, from one pattern. */
export function matcher(pattern: string): (id: string) => boolean {
  const cellPattern = parseCell(pattern);
  if (!cellPattern) {
    const re = globRegExp(pattern);
    return (id) => re.test(id);
  }
  const name = globRegExp(cellPattern.name);
  const rest = globRegExp(cellPattern.rest);
  const open = cellPattern.cells.some(([k, v]) => k === '*' && v === '');
  const wanted = cellPattern.cells.filter(([k, v]) => !(k === '*' && v === '')).map(([k, v]) => [globRegExp(k), globRegExp(v)] as const);
  return (id) => {
    const cell = parseCell(id);
    if (!cell || !name.test(cell.name) || !rest.test(cell.rest)) return false;
    if (!open && cell.cells.length !== wanted.length) return false;
    return wanted.every(([k, v]) => cell.cells.some(([ck, cv]) => k.test(ck) && v.test(cv)));
  };
}

/** The jobs a selection keeps, with their upstream; an error for a pattern that matches no job. */
export function selectJobs(graph: BuiltGraph, selection: Selection): Result<{ keep: Set<JobId>; summary: SelectionSummary }, Diagnostic[]> {
  const ids = graph.nodes.map((n) => n.job.id);
  const diagnostics: Diagnostic[] = [];
  const matching = (patterns: readonly string[], flag: string): Set<JobId> => {
    const out = new Set<JobId>();
    for (const pattern of patterns) {
      const test = matcher(pattern);
      const hits = ids.filter(test);
      if (hits.length === 0) {
        const guess = closest(pattern, ids);
        diagnostics.push({
          severity: 'error',
          code: 'selection-matches-nothing',
          message: `${flag} ${pattern} matches no job of the manifest`,
          ...(guess ? { hint: `did you mean "${guess}"?` } : { hint: 'use a job id, or a glob such as name[*] for the cells of a matrix' }),
        });
      }
      for (const id of hits) out.add(id);
    }
    return out;
  };
  const only = selection.only.length > 0 ? matching(selection.only, '--only') : new Set(ids);
  const excluded = matching(selection.exclude, '--exclude');
  if (diagnostics.length > 0) return err(diagnostics);
  const chosen = ids.filter((id) => only.has(id) && !excluded.has(id));
  const keep = new Set<JobId>();
  const stack = [...chosen];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (keep.has(id)) continue;
    keep.add(id);
    stack.push(...graph.byId.get(id)!.dependsOn);
  }
  const chosenSet = new Set(chosen);
  return ok({ keep, summary: { chosen, upstream: ids.filter((id) => keep.has(id) && !chosenSet.has(id)), left: ids.length - keep.size } });
}

/** The part of the graph made of `keep` (closed under dependencies), in the same order. */
export function subGraph(graph: BuiltGraph, keep: ReadonlySet<JobId>): BuiltGraph {
  const nodes = graph.nodes.filter((n) => keep.has(n.job.id)).map((n) => ({ ...n, dependents: n.dependents.filter((d) => keep.has(d)) }));
  return {
    manifest: { ...graph.manifest, jobs: graph.manifest.jobs.filter((j) => keep.has(j.id)) },
    nodes,
    byId: new Map(nodes.map((n) => [n.job.id, n])),
    records: new Map([...graph.records].filter(([id]) => keep.has(id))),
  };
}

/** One line for the plan: what the selection kept and which needed jobs came along. */
export function describeSelection(s: SelectionSummary): string {
  const upstream = s.upstream.length > 0 ? `; ${s.upstream.length} needed upstream job${s.upstream.length === 1 ? '' : 's'} come${s.upstream.length === 1 ? 's' : ''} along: ${s.upstream.join(', ')}` : '';
  return `selected ${s.chosen.length} job${s.chosen.length === 1 ? '' : 's'}${upstream}; ${s.left} left out`;
}
