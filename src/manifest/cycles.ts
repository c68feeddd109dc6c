/**
 * Finds dependency cycles among jobs. Each cycle is reported once, as the path `a → b → a`, at the first
 * job on it, with one related location per edge (where the job names the next one).
 */
import type { Diagnostic, SourceLocation } from '../diagnostic.js';
import type { JobId } from '../model.js';
import type { Edge } from './context.js';

export function findCycles(ids: readonly JobId[], edges: readonly Edge[], locationOf: (id: JobId) => SourceLocation): Diagnostic[] {
  const out = new Map<JobId, Edge[]>();
  for (const e of edges) {
    const list = out.get(e.from) ?? [];
    if (!list.some((x) => x.to === e.to)) list.push(e);
    out.set(e.from, list);
  }
  const state = new Map<JobId, 'open' | 'done'>();
  const found = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  const path: Edge[] = [];
  const stack: JobId[] = [];

  const visit = (id: JobId): void => {
    state.set(id, 'open');
    stack.push(id);
    for (const edge of out.get(id) ?? []) {
      if (state.get(edge.to) === 'open') {
        const start = stack.indexOf(edge.to);
        const cycle = [...path.slice(start), edge];
        const key = [...cycle.map((e) => e.from)].sort().join('\n');
        if (!found.has(key)) {
          found.add(key);
          diagnostics.push(cycleDiagnostic(cycle, locationOf));
        }
      } else if (!state.has(edge.to)) {
        path.push(edge);
        visit(edge.to);
        path.pop();
      }
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const id of ids) if (!state.has(id)) visit(id);
  return diagnostics;
}

function cycleDiagnostic(cycle: Edge[], locationOf: (id: JobId) => SourceLocation): Diagnostic {
  const names = [...cycle.map((e) => e.from), cycle[0]!.from];
  return {
    severity: 'error',
    code: 'cycle',
    message: `jobs depend on each other in a cycle: ${names.join(' → ')}`,
    location: locationOf(cycle[0]!.from),
    related: cycle.map((e) => ({ message: `${e.from} uses ${e.to}`, location: e.location })),
    hint: 'a job cannot use its own output, directly or through other jobs',
  };
}
