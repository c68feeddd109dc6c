// Preload for a `pixrender render` child: the first time the runner's shared journal takes an intent,
// the process stops itself (SIGSTOP) as soon as the database has answered, so it sleeps between its
// intent and its POST like a runner in a long GC pause, a suspended VM or a stopped container. The test
// sends SIGCONT.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pg = require('pg');
const query = pg.Client.prototype.query;
let stopped = false;

pg.Client.prototype.query = function (...args) {
  const [config, values] = args;
  const text = typeof config === 'string' ? config : config?.text;
  const params = Array.isArray(values) ? values : config?.values;
  if (stopped || !/INSERT INTO journal/.test(text ?? '') || !params?.includes('intent')) return query.apply(this, args);
  stopped = true;
  const stop = () => process.kill(process.pid, 'SIGSTOP');
  const last = args.length - 1;
  if (typeof args[last] === 'function') {
    const callback = args[last];
    args[last] = (error, result) => {
      if (!error) stop();
      callback(error, result);
    };
    return query.apply(this, args);
  }
  return query.apply(this, args).then((result) => {
    stop();
    return result;
  });
};
