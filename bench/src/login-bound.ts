/**
 * Child program: the bound of the login benchmark, the least a Node server can do for a JSON argon2id login. A
 * bare node:http server reads the JSON body `{username, password}`, looks nothing up, verifies the password against
 * the one hash it was given with @node-rs/argon2's verifySync on a worker thread (as Tollgate's argon2 pool does:
 * never on the event loop), and answers a small JSON object. No store, no brute-force guard, no token, no
 * refresh token: what is left is the HTTP exchange, the hand-off to the worker and argon2id itself, with whatever
 * argon2's 19 MiB sweep costs the event loop in cache and memory traffic.
 *
 * Usage: node login-bound.js <PHC hash>
 */
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { serveOnLoopback } from './children.js';

const hash = process.argv[2] ?? '';
if (!hash.startsWith('$argon2id$')) throw new TypeError('login-bound takes the PHC string of an argon2id hash');

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const argon2 = require(workerData.addonPath);
parentPort.on('message', ({ id, plain }) => parentPort.postMessage({ id, value: argon2.verifySync(workerData.hash, plain) }));
`;
const addonPath = createRequire(import.meta.url).resolve('@node-rs/argon2');
const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { addonPath, hash } });
const waiting = new Map<number, (verified: boolean) => void>();
let nextId = 0;
worker.on('message', ({ id, value }: { id: number; value: boolean }) => {
  waiting.get(id)?.(value);
  waiting.delete(id);
});

/** One worker, jobs queued in its message port: first come, first served, as in Tollgate's pool of one. */
function verify(plain: string): Promise<boolean> {
  const id = nextId++;
  return new Promise((resolve) => {
    waiting.set(id, resolve);
    worker.postMessage({ id, plain });
  });
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const { password } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { password?: unknown };
    void verify(typeof password === 'string' ? password : '').then((verified) => {
      res.writeHead(verified ? 200 : 401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ verified }));
    });
  });
});
serveOnLoopback(server, () => void worker.terminate());
