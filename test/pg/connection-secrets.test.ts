// Every way of writing a secret into a connection string is kept out of what pixrender prints.
import { describe, expect, it } from 'vitest';
import { redactConnection, shownUrl } from '../../src/state/connection-secrets.js';

const SECRET = 's3cr3tPw';
const ENCODED = 's3cr%33tPw'; // %33 is "3"
const SSL = 'k3yPassPhrase';

/** [how the secret is written, the setting, the secrets it holds]. */
const forms: [string, string, string[]][] = [
  ['userinfo', `postgres://render:${SECRET}@db.internal:5432/pixrender`, [SECRET]],
  ['userinfo, percent-encoded', `postgres://render:${ENCODED}@db.internal/pixrender`, [SECRET, ENCODED]],
  ['userinfo with an encoded @', `postgres://render:pa%40${SECRET}@db.internal/pixrender`, [SECRET, 'pa@', 'pa%40']],
  ['postgresql scheme', `postgresql://render:${SECRET}@db.internal/pixrender`, [SECRET]],
  ['?password=', `postgres://render@db.internal/pixrender?password=${SECRET}`, [SECRET]],
  ['&password=', `postgres://render@db.internal/pixrender?sslmode=require&password=${SECRET}`, [SECRET]],
  ['?password= percent-encoded value', `postgres://render@db.internal/pixrender?password=${ENCODED}`, [SECRET, ENCODED]],
  ['percent-encoded key', `postgres://render@db.internal/pixrender?pass%77ord=${SECRET}`, [SECRET]],
  ['upper-case key', `postgres://render@db.internal/pixrender?PASSWORD=${SECRET}`, [SECRET]],
  ['both', `postgres://render:${SECRET}@db.internal/pixrender?password=${SECRET}x`, [SECRET]],
  ['sslpassword', `postgres://render@db.internal/pixrender?sslkey=/keys/client.key&sslpassword=${SSL}`, [SSL, '/keys/client.key']],
  ['sslkey inline', `postgres://render@db.internal/pixrender?sslkey=${SSL}`, [SSL]],
  ['key=value DSN', `host=db.internal user=render password=${SECRET} dbname=pixrender`, [SECRET]],
  ['key=value DSN, quoted', `host=db.internal password='${SECRET} with space' dbname=pixrender`, [SECRET, 'with space']],
  ['key=value DSN, spaces around =', `host=db.internal password = ${SECRET}`, [SECRET]],
  ['unparseable URL', `postgres://render:${SECRET}@[bad/pixrender`, [SECRET]],
  ['an @ left unencoded in the password', `postgres://render:pa@${SECRET}@db.internal/pixrender`, [SECRET]],
];

describe('connection strings as shown', () => {
  it.each(forms)('%s: no secret in the shown form', (_form, setting, secrets) => {
    const shown = shownUrl(setting);
    for (const secret of secrets) expect(shown).not.toContain(secret);
  });

  it.each(forms)('%s: no secret in a message that quotes the setting', (_form, setting, secrets) => {
    const redact = redactConnection(setting, {});
    const text = redact(`connect to ${setting} failed; ${decodeURIComponent(setting.replace(/%(?![0-9a-f]{2})/gi, ''))}`);
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it('keeps what names the database', () => {
    expect(shownUrl(`postgres://render:${SECRET}@db.internal:5432/pixrender?password=${SECRET}&sslmode=require`)).toBe('postgres://render@db.internal:5432/pixrender?sslmode=require');
    expect(shownUrl(`host=db.internal user=render password=${SECRET} dbname=pixrender`)).toBe('host=db.internal user=render dbname=pixrender');
  });

  it('never echoes $PGPASSWORD', () => {
    const redact = redactConnection('postgres://render@db.internal/pixrender', { PGPASSWORD: SECRET });
    expect(redact(`password authentication failed (${SECRET})`)).not.toContain(SECRET);
  });
});
