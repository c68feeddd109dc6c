/** The ajv options of every schema validator: the build's standalone code and the run-time fallback share them. */
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true } as const;

/**
 * The schema as the loader validates with it: without the kind rules (every `allOf`, see RULE_PATH in
 * src/kinds/types.ts). Those rules are for editors; the loader reports the same cases with its own
 * codes (job-kind, missing-prompt, post-kind), so compiling them would only cost start-up and size.
 */
export function withoutEditorRules(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutEditorRules);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(Object.entries(schema).filter(([key]) => key !== 'allOf').map(([key, value]) => [key, ['enum', 'const', 'default', 'examples'].includes(key) ? value : withoutEditorRules(value)]));
}
