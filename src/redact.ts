/**
 * The one place secrets are masked before text is printed: the API token (the whole token and its
 * secret part after `user:<id>-`), anything shaped like a useapi token (one pasted into a config or a
 * flag by mistake), and the credentials and query of a URL. The API client, the diagnostic printers
 * and every message that echoes a URL the user gave go through here.
 */

const MASK = '***';

/**
 * Text shaped like a useapi token: `user:<digits>-` and a secret of 8 or more characters. A video id
 * (`user:1234-pixverse:…`) has a colon after its short account part and is left alone.
 */
const TOKEN_SHAPE = /\b(user:\d+-)[^\s:'"`,;]{8,}(?![^\s'"`,;])/g;

/** The secrets to look for: the token and, for `user:<id>-<secret>`, the secret part alone. */
function needlesOf(secrets: readonly (string | undefined)[]): string[] {
  const needles: string[] = [];
  for (const token of secrets) {
    if (!token) continue;
    needles.push(token);
    const dash = token.indexOf('-');
    if (dash > 0 && token.length - dash > 8) needles.push(token.slice(dash + 1));
  }
  // Longest first, so a token is masked whole before its secret part is looked for.
  return needles.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}

/** Masks the given secrets and anything token-shaped in `text`. */
export function maskSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const needle of needlesOf(secrets)) out = out.split(needle).join(MASK);
  return out.replace(TOKEN_SHAPE, `$1${MASK}`);
}

/** A masking function for one token (the API client keeps one per instance). */
export function redactor(token: string): (text: string) => string {
  return (text) => maskSecrets(text, [token]);
}

/** The tokens this process knows of: the default token variable, whichever backend ends up used. */
export function knownSecrets(env: NodeJS.ProcessEnv = process.env): string[] {
  const token = env['USEAPI_TOKEN'];
  return token ? [token] : [];
}

/**
 * A URL as it may be printed: without user:password, query or fragment, with secrets masked. Works on
 * text that does not parse as a URL too (what the user typed is echoed in a usage error).
 */
export function shownUrl(raw: string, secrets: readonly (string | undefined)[] = knownSecrets()): string {
  const bare = raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, `$1${MASK}@`).replace(/[?#].*$/s, '');
  return maskSecrets(bare, secrets);
}
