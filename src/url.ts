/** The one check of a URL the user gives (--api-url, --callback-url, a config's apiUrl). */

/** Why `raw` is not an http(s) URL with a host, or undefined when it is one. */
export function httpUrlProblem(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `is not http(s) (${url.protocol.replace(/:$/, '')})`;
  if (url.hostname === '') return 'has no host';
  return undefined;
}
