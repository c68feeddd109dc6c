/**
 * Reading request fields the way the API does: JSON values or multipart strings ("5", "true") are
 * both accepted; a bad value stops the request with a 400 message naming the field.
 */
import type { Catalog } from '../catalog.js';

/** A field-level problem; the generation builder turns it into a 400. */
export class FieldError extends Error {}

export class Fields {
  constructor(readonly raw: Record<string, unknown>) {}

  has(name: string): boolean {
    const v = this.raw[name];
    return v !== undefined && v !== null && v !== '';
  }

  string(name: string, rules: { required?: boolean; max?: number } = {}): string | undefined {
    if (!this.has(name)) {
      if (rules.required) throw new FieldError(`Parameter ${name} is required`);
      return undefined;
    }
    const v = this.raw[name];
    if (typeof v !== 'string') throw new FieldError(`Parameter ${name} must be a string`);
    if (rules.max !== undefined && v.length > rules.max) throw new FieldError(`Parameter ${name} is ${v.length} characters long, the maximum is ${rules.max}`);
    return v;
  }

  integer(name: string, rules: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
    if (!this.has(name)) {
      if (rules.required) throw new FieldError(`Parameter ${name} is required`);
      return undefined;
    }
    const v = this.raw[name];
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) throw new FieldError(`Parameter ${name} must be an integer`);
    if ((rules.min !== undefined && n < rules.min) || (rules.max !== undefined && n > rules.max))
      throw new FieldError(`Parameter ${name} must be between ${rules.min ?? '-∞'} and ${rules.max ?? '∞'}, got ${n}`);
    return n;
  }

  boolean(name: string): boolean | undefined {
    if (!this.has(name)) return undefined;
    const v = this.raw[name];
    if (v === true || v === 'true' || v === 1 || v === '1') return true;
    if (v === false || v === 'false' || v === 0 || v === '0') return false;
    throw new FieldError(`Parameter ${name} must be true or false`);
  }

  oneOf(name: string, allowed: readonly string[], fallback?: string): string | undefined {
    const v = this.string(name);
    if (v === undefined) return fallback;
    if (!allowed.includes(v)) throw new FieldError(`Parameter ${name} must be one of ${allowed.join(', ')}, got "${v}"`);
    return v;
  }

  /** A string or a number, as a string (ids like speaker_id are documented as either). */
  id(name: string): string | undefined {
    if (!this.has(name)) return undefined;
    const v = this.raw[name];
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    throw new FieldError(`Parameter ${name} must be a string or a number`);
  }
}

/** The fields every generation endpoint shares (reference §1.5), plus off_peak_mode. */
export interface CommonFields {
  email?: string;
  replyUrl?: string;
  replyRef?: string;
  maxJobs?: number;
  offPeak: boolean;
}

export function readCommon(f: Fields, cat: Catalog, options: { email: boolean }): CommonFields {
  const common: CommonFields = {
    replyUrl: f.string('replyUrl', { max: cat.replyMaxChars }),
    replyRef: f.string('replyRef', { max: cat.replyMaxChars }),
    maxJobs: f.integer('maxJobs', { min: cat.maxJobsRange.min, max: cat.maxJobsRange.max }),
    offPeak: f.boolean('off_peak_mode') ?? false,
  };
  if (options.email) common.email = f.string('email');
  if (common.replyUrl !== undefined && !/^https?:\/\//i.test(common.replyUrl)) throw new FieldError('Parameter replyUrl must be an http(s) URL');
  return common;
}

export function readSeed(f: Fields, cat: Catalog): number | undefined {
  return f.integer('seed', { min: cat.seedRange.min, max: cat.seedRange.max });
}

export function readPrompt(f: Fields, cat: Catalog, name: string, required: boolean, max = cat.promptMaxChars): string | undefined {
  return f.string(name, { required, max });
}
