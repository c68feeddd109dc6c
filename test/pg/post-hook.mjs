// Preload for a `pixrender render` child: the process stops itself (SIGSTOP) at its first generation POST,
// after every check pixrender makes and before the request leaves the process (undici's dispatch). The
// one pause no client-side fence can see; the test sends SIGCONT.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { Agent } = require('undici');
const dispatch = Agent.prototype.dispatch;
let fired = false;

Agent.prototype.dispatch = function (options, handler) {
  if (!fired && options.method === 'POST' && /\/videos\//.test(String(options.path))) {
    fired = true;
    process.kill(process.pid, 'SIGSTOP');
    // Awake: let the connections the server closed meanwhile be seen as closed first, so the request
    // goes out on a fresh one (a dead keep-alive socket would only turn it into a network error).
    setTimeout(() => dispatch.call(this, options, handler), 50);
    return true;
  }
  return dispatch.call(this, options, handler);
};
