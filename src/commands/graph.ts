/** `pixrender graph FILE --format mermaid|dot|json`: the job graph, post steps as their own nodes. */
import type { Command } from '../cli.js';
import { printable, printableText } from '../diagnostic.js';
import type { JobGraph } from '../model.js';
import { parseFlags, UsageError, withUsage } from './args.js';
import { printDiagnostics } from './report.js';

const usage = `Usage: pixrender graph FILE [--format mermaid|dot|json]

Prints the job graph of a manifest: one node per job (id and kind), an edge from each job to the jobs
that use its output (labelled video, first frame or last frame), and the local post steps (concat,
contact sheet) as nodes of their own.

Options:
  --format F   mermaid (default), dot (Graphviz) or json
  -h, --help   show this help`;

const FORMATS = ['mermaid', 'dot', 'json'] as const;
type Format = (typeof FORMATS)[number];

export interface GraphEdge {
  from: string;
  to: string;
  /** How the output is used, e.g. `video`, `last frame`, `concat`. */
  label: string;
}

export interface GraphView {
  name: string;
  nodes: { id: string; kind: string; endpoint?: string; fingerprint?: string; output: string; post: boolean }[];
  edges: GraphEdge[];
}

const POST_LABEL = { concat: 'concat', contactSheet: 'contact sheet' } as const;

/** Jobs in topological order, then post steps (`post:1`, `post:2`, ...); one edge per (from, to) pair. */
export function graphView(graph: JobGraph): GraphView {
  const nodes: GraphView['nodes'] = graph.nodes.map(({ job, fingerprint }) => ({
    id: job.id,
    kind: job.kind,
    endpoint: job.endpoint,
    fingerprint,
    output: job.output,
    post: false,
  }));
  const edges = new Map<string, GraphEdge>();
  const addEdge = (from: string, to: string, label: string): void => {
    const key = JSON.stringify([from, to]);
    const edge = edges.get(key);
    if (!edge) edges.set(key, { from, to, label });
    else if (!edge.label.split(', ').includes(label)) edge.label += `, ${label}`;
  };
  for (const { job } of graph.nodes)
    for (const ref of Object.values(job.inputs))
      if (ref.type === 'job-video') addEdge(ref.job, job.id, 'video');
      else if (ref.type === 'job-frame') addEdge(ref.job, job.id, `${ref.frame} frame`);
  graph.manifest.post.forEach((step, i) => {
    const id = `post:${i + 1}`;
    nodes.push({ id, kind: step.kind, output: step.output, post: true });
    for (const input of step.inputs) addEdge(input, id, POST_LABEL[step.kind]);
  });
  return { name: graph.manifest.name, nodes, edges: [...edges.values()] };
}

const mermaidText = (s: string): string => printable(s).replace(/"/g, '#quot;');

export function renderMermaid(view: GraphView): string {
  const key = new Map(view.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = ['flowchart LR'];
  for (const n of view.nodes) {
    const label = n.post ? `${POST_LABEL[n.kind as keyof typeof POST_LABEL] ?? n.kind}<br/>${n.output}` : `${n.id}<br/>${n.kind}`;
    // Post steps use the subroutine shape so they read as local steps, not renders.
    lines.push(n.post ? `  ${key.get(n.id)}[["${mermaidText(label)}"]]` : `  ${key.get(n.id)}["${mermaidText(label)}"]`);
  }
  for (const e of view.edges) lines.push(`  ${key.get(e.from)} -->|"${mermaidText(e.label)}"| ${key.get(e.to)}`);
  return lines.join('\n');
}

const dotText = (s: string): string => JSON.stringify(printableText(s));

export function renderDot(view: GraphView): string {
  const lines = [`digraph ${dotText(view.name)} {`, '  rankdir=LR;', '  node [shape=box];'];
  for (const n of view.nodes) {
    const label = n.post ? `${POST_LABEL[n.kind as keyof typeof POST_LABEL] ?? n.kind}\n${n.output}` : `${n.id}\n${n.kind}`;
    lines.push(`  ${dotText(n.id)} [label=${dotText(label)}${n.post ? ', shape=note, style=dashed' : ''}];`);
  }
  for (const e of view.edges) lines.push(`  ${dotText(e.from)} -> ${dotText(e.to)} [label=${dotText(e.label)}];`);
  lines.push('}');
  return lines.join('\n');
}

export const command: Command = {
  summary: 'print the job graph as mermaid, dot or json',
  usage,
  run: (argv) =>
    withUsage(async () => {
      const flags = parseFlags(argv, { format: { type: 'string', default: 'mermaid' } }, usage);
      const format = flags.values['format'] as string;
      if (!FORMATS.includes(format as Format)) throw new UsageError(`--format expects mermaid, dot or json, got "${format}"`);
      const [file, ...extra] = flags.positionals;
      if (!file || extra.length > 0) throw new UsageError(`expected one manifest file\n\n${usage}`);

      const { loadGraph } = await import('../plan-inputs.js');
      const loaded = await loadGraph(file);
      printDiagnostics(loaded.diagnostics, loaded.sources);
      if (!loaded.ok) return 2;
      const view = graphView(loaded.graph);
      const text = format === 'json' ? JSON.stringify(view, null, 2) : format === 'dot' ? renderDot(view) : renderMermaid(view);
      process.stdout.write(`${text}\n`);
      return 0;
    }),
};
