import { runCli } from './program.js';

// No top-level await: the bundle is CommonJS (scripts/bundle-cli.mjs), so that its chunks can be compiled from a
// V8 code cache. runCli settles every failure into an exit status; it does not reject.
void runCli(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}).then((exitCode) => {
  process.exitCode = exitCode;
});
