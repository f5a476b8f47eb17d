// Preloaded with `node --import` into a child process: records the URL of every module the process
// loads and, when it exits, writes them one per line to $CF_MODULE_TRACE. What a command loads is
// then a fact a test can read, not a timing. The load hook, not the resolve hook: hooks registered
// later run first, and the executable's own resolve hook (src/vendor/resolve-hook.ts) answers the
// bundled packages without asking the ones before it; every module still loads through this one.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const traceFile = process.env['CF_MODULE_TRACE'];
if (traceFile !== undefined) {
  const loaded = new Set<string>();
  registerHooks({
    load(url, context, nextLoad) {
      loaded.add(url);
      return nextLoad(url, context);
    },
  });
  process.on('exit', () => writeFileSync(traceFile, [...loaded].join('\n')));
}
