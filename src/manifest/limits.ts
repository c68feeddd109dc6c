/**
 * How much work one manifest may ask for. Each limit is checked before the work it guards (the
 * matrix product before cells are built, a value's length before it is joined), and going over one is
 * a diagnostic at the place that asks for it. The benchmark's generated 10,000-job manifest sits well
 * inside every limit.
 */
export const LIMITS = {
  /** Bytes of the manifest file; a larger file is not read (`file-too-large`). */
  manifestBytes: 5 * 1024 * 1024,
  /** Cells of one job's matrix: the product of its value counts (`matrix-too-large`). */
  matrixCellsPerJob: 1_000,
  /** Jobs after matrices and then-steps are expanded, over the whole manifest (`too-many-jobs`). */
  jobsPerManifest: 20_000,
  /** Post steps (each may take every job as input: `contactSheet: all`) (`too-many-post-steps`). */
  postSteps: 100,
  /** Characters of one string after `${variables}` are expanded (`var-too-long`). */
  expandedLength: 64 * 1024,
  /** Variables resolved inside one another: `${a}` whose value uses `${b}` … (`var-depth`). */
  varDepth: 64,
  /**
   * Names compared for did-you-mean of unknown variables, over the whole manifest: past it, hints list
   * names instead of guessing (thousands of unknown references × thousands of variables is no hang).
   */
  varSuggestionWork: 1_000_000,
  /** Names listed in one hint; the rest are counted. */
  hintNames: 12,
  /** Characters produced by variable expansion in the whole manifest (`expansion-too-large`). */
  expandedTotal: 16 * 1024 * 1024,
} as const;

export type Limits = typeof LIMITS;
