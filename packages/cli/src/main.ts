import { runCli } from './program.js';

// No top-level await: the bundle is CommonJS (scripts/bundle-cli.mjs), so that its chunks can be compiled from a
// V8 code cache. runCli settles every failure into an exit status; it does not reject.
void runCli(process.argv.slice(2), {
  // Node makes process.stdin and process.stderr on first use, and stdin is costly to make (a file or socket stream
  // and the modules behind it: 2 % of `apis list` in the profile); only the commands that prompt or read a
  // password from stdin touch it, and stderr is only for warnings and failures.
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  get stderr() {
    return process.stderr;
  },
  env: process.env,
}).then((exitCode) => {
  process.exitCode = exitCode;
});
