/**
 * Validates a generation request (each kind's `sim` behaviour, src/kinds; reference §8.10–8.17) and turns it into
 * what the simulator needs: the catalog RenderSpec (price, timing), the output geometry, the texts
 * moderation reads and the fields the video object echoes.
 */
import { checkCombination, type Endpoint } from '../catalog.js';
import type { Result } from '../diagnostic.js';
import { kindDef } from '../kinds/index.js';
import { kindOfEndpoint } from '../kinds/pricing.js';
import { FieldError, Fields, readCommon } from './validation.js';
import type { GenerationContext, GenerationRequest } from './wire.js';

export type { GenerationContext, GenerationRequest };

export function buildGeneration(endpoint: Endpoint, raw: Record<string, unknown>, ctx: GenerationContext): Result<GenerationRequest, string> {
  const f = new Fields(raw);
  try {
    const common = readCommon(f, ctx.catalog, { email: endpoint !== 'videos/upscale' });
    const { sim } = kindDef(kindOfEndpoint(endpoint));
    const built = sim.build(f, ctx);
    // A template fixes model, duration and price: the catalog's model rules do not apply to it.
    const problem = sim.ownLimits || built.spec.templateCredits !== undefined ? null : checkCombination(ctx.catalog, built.spec);
    if (problem) return { ok: false, error: `Invalid parameters: ${problem}` };
    const texts = Object.entries(raw)
      .filter(([k, v]) => /prompt/.test(k) && typeof v === 'string')
      .map(([, v]) => v as string);
    built.fields.seed ??= ctx.randomSeed();
    return { ok: true, value: { endpoint, common, texts, ...built } };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, error: error.message };
    throw error;
  }
}
