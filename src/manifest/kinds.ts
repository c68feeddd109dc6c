/**
 * The request builder of each job kind: declared with the kind (src/kinds), dispatched here.
 */
import { kindDef } from '../kinds/index.js';
import type { JobKind } from '../model.js';
import type { RequestBuilder } from './request.js';

export function buildKind(b: RequestBuilder, kind: JobKind): void {
  kindDef(kind).build(b);
}
