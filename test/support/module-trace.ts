// Preloaded with `node --import` into a child process: records the URL of every module the process
// resolves and, when it exits, writes them one per line to $CF_MODULE_TRACE. What a command loads is
// then a fact a test can read, not a timing.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const traceFile = process.env['CF_MODULE_TRACE'];
if (traceFile !== undefined) {
  const resolved = new Set<string>();
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const result = nextResolve(specifier, context);
      resolved.add(result.url);
      return result;
    },
  });
  process.on('exit', () => writeFileSync(traceFile, [...resolved].join('\n')));
}
