// Preload for a `pixrender render` child sharing a PostgreSQL store: at the first journal insert of one
// record type, the process signals itself, before the statement goes out or once the database answered.
//   PIXRENDER_HOOK_RECORD   the record type (intent, submitted, …)               default intent
//   PIXRENDER_HOOK_WHEN     before | after                                      default after
//   PIXRENDER_HOOK_SIGNAL   SIGSTOP (a GC pause, a suspended VM, a stopped container; the test sends
//                           SIGCONT) or SIGKILL (a runner that dies there)      default SIGSTOP
//   PIXRENDER_HOOK_SKEW_MS  shifts this process's wall clock (Date) by so many ms  default 0
import { createRequire } from 'node:module';

const env = process.env;
const type = env.PIXRENDER_HOOK_RECORD ?? 'intent';
const when = env.PIXRENDER_HOOK_WHEN ?? 'after';
const signal = env.PIXRENDER_HOOK_SIGNAL ?? 'SIGSTOP';
const skew = Number(env.PIXRENDER_HOOK_SKEW_MS ?? 0);

if (skew !== 0) {
  const RealDate = Date;
  class SkewedDate extends RealDate {
    constructor(...args) {
      if (args.length === 0) super(RealDate.now() + skew);
      else super(...args);
    }
    static now() {
      return RealDate.now() + skew;
    }
  }
  globalThis.Date = SkewedDate;
}

const require = createRequire(import.meta.url);
const pg = require('pg');
const query = pg.Client.prototype.query;
let fired = false;

pg.Client.prototype.query = function (...args) {
  const [config, values] = args;
  const text = typeof config === 'string' ? config : config?.text;
  const params = Array.isArray(values) ? values : config?.values;
  if (fired || !/INSERT INTO journal/.test(text ?? '') || params?.[1] !== type) return query.apply(this, args);
  fired = true;
  const fire = () => process.kill(process.pid, signal);
  if (when === 'before') {
    fire();
    return query.apply(this, args);
  }
  const last = args.length - 1;
  if (typeof args[last] === 'function') {
    const callback = args[last];
    args[last] = (error, result) => {
      if (!error) fire();
      callback(error, result);
    };
    return query.apply(this, args);
  }
  return query.apply(this, args).then((result) => {
    fire();
    return result;
  });
};
