/** The ajv options of every schema validator: the build's standalone code and the run-time fallback share them. */
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, verbose: true } as const;
