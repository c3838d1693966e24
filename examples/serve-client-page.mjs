// Serves client-browser.html on http://127.0.0.1:PORT (default 5173) with the built @tollgate/client under /client/,
// and forwards /tollgate/* to Tollgate and /api/* to the API, so the page reaches both through its own origin.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';

const issuer = process.env.TOLLGATE_ISSUER ?? 'http://127.0.0.1:8080';
const apiOrigin = new URL(process.env.API_URL ?? 'http://127.0.0.1:3000/data').origin;
const port = Number(process.env.PORT ?? 5173);
const page = new URL('./client-browser.html', import.meta.url);
const clientDist = new URL('.', import.meta.resolve('@tollgate/client'));
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'content-length']);

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function forward(req, res, target) {
  const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
  const headers = Object.entries(req.headers)
    .filter(([name]) => !HOP_BY_HOP.has(name))
    .map(([name, value]) => [name, String(value)]);
  const answer = await fetch(target, { method: req.method, headers, body });
  const answerHeaders = [...answer.headers].filter(([name]) => !HOP_BY_HOP.has(name) && name !== 'content-encoding');
  res.writeHead(answer.status, Object.fromEntries(answerHeaders)).end(Buffer.from(await answer.arrayBuffer()));
}

async function serveFile(res, url, type) {
  // Only files inside the folder asked for: no `..` out of it.
  const path = fileURLToPath(url);
  if (!path.startsWith(fileURLToPath(clientDist)) && url.href !== page.href) return res.writeHead(404).end();
  const text = await readFile(path).catch(() => undefined);
  if (text === undefined) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': type }).end(text);
}

const server = createServer((req, res) => {
  const { pathname, search } = new URL(req.url, 'http://page.invalid');
  let handled;
  if (pathname === '/' || pathname === '/index.html') handled = serveFile(res, page, 'text/html; charset=utf-8');
  else if (pathname === '/config.json') handled = Promise.resolve(res.end(JSON.stringify({ issuer })));
  else if (pathname.startsWith('/client/') && pathname.endsWith('.js'))
    handled = serveFile(res, new URL(pathname.slice('/client/'.length), clientDist), 'text/javascript');
  else if (pathname.startsWith('/tollgate/')) handled = forward(req, res, issuer + pathname.slice(9) + search);
  else if (pathname.startsWith('/api/')) handled = forward(req, res, apiOrigin + pathname.slice(4) + search);
  else handled = Promise.resolve(res.writeHead(404).end());
  handled.catch((error) => res.writeHead(502).end(String(error.message)));
});
server.listen(port, '127.0.0.1', () => console.log(`Listening on http://127.0.0.1:${server.address().port}`));
