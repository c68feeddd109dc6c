/**
 * A connection string as messages may show it. A secret can be written into one in many ways: the
 * userinfo (`user:pw@`), query parameters (`?password=`, `&sslpassword=`, a key or value percent-encoded,
 * any case), or libpq's key=value form (`password='…'`); $PGPASSWORD holds one too. `shownUrl` drops
 * every one of them from the setting, and `redactConnection` removes their values from any text (a
 * driver's message may quote them), so no error, status line or log carries a password.
 */

/** Parameters whose value is a secret (or names the private key). libpq's names; compared in lower case. */
const SECRET_KEYS = new Set(['password', 'sslpassword', 'sslkey']);
/** Environment variables libpq and the driver read a secret from. */
const SECRET_ENV = ['PGPASSWORD', 'PGSSLPASSWORD'] as const;

const URL_FORM = /^[a-z][a-z0-9+.-]*:\/\//i;
/** One `key = value` of libpq's key=value form; a value is single-quoted (with \' and \\) or runs to a space. */
const DSN_PAIR = /([A-Za-z_][A-Za-z0-9_]*)\s*=\s*('(?:[^'\\]|\\.)*'|\S*)/g;

const isSecretKey = (key: string): boolean => SECRET_KEYS.has(safeDecode(key).toLowerCase());

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function dsnValue(raw: string): string {
  return raw.startsWith("'") ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
}

/** The connection string without any secret, for messages. */
export function shownUrl(setting: string): string {
  if (!URL_FORM.test(setting)) {
    const kept = [...setting.matchAll(DSN_PAIR)].filter((m) => !isSecretKey(m[1]!)).map((m) => `${m[1]}=${m[2]}`);
    return kept.length > 0 ? kept.join(' ') : 'the configured database';
  }
  try {
    const url = new URL(setting);
    url.password = '';
    for (const key of [...url.searchParams.keys()]) if (isSecretKey(key)) url.searchParams.delete(key);
    return url.toString();
  } catch {
    const scheme = /^[^:]+/.exec(setting)?.[0] ?? 'postgres';
    return `${scheme}://… (the configured database)`;
  }
}

/** Every secret value the setting (or the environment) holds, as written and decoded. */
function secretsOf(setting: string, env: NodeJS.ProcessEnv): string[] {
  const found: string[] = [];
  if (URL_FORM.test(setting)) {
    // Read by hand rather than with URL, so an unparseable string gives its secrets up too.
    const authority = /^[^:]+:\/\/([^/?#]*)/.exec(setting)?.[1] ?? '';
    const at = authority.lastIndexOf('@');
    const userinfo = at >= 0 ? authority.slice(0, at) : '';
    const colon = userinfo.indexOf(':');
    if (colon >= 0) found.push(userinfo.slice(colon + 1));
    const query = /\?([^#]*)/.exec(setting)?.[1] ?? '';
    for (const pair of query.split('&')) {
      const eq = pair.indexOf('=');
      if (eq > 0 && isSecretKey(pair.slice(0, eq).replace(/\+/g, ' '))) found.push(pair.slice(eq + 1));
    }
  } else {
    for (const m of setting.matchAll(DSN_PAIR)) if (isSecretKey(m[1]!)) found.push(m[2]!, dsnValue(m[2]!));
  }
  for (const name of SECRET_ENV) if (env[name]) found.push(env[name]);
  const all = found.flatMap((s) => [s, safeDecode(s), safeDecode(s.replace(/\+/g, ' '))]);
  return [...new Set(all.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
}

/** A function that removes the setting's secrets (and the setting as written) from a text. */
export function redactConnection(setting: string, env: NodeJS.ProcessEnv = process.env): (text: string) => string {
  const shown = shownUrl(setting);
  const secrets = secretsOf(setting, env);
  return (text) => {
    let out = text.split(setting).join(shown);
    for (const secret of secrets) out = out.split(secret).join('***');
    return out;
  };
}
