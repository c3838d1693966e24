/**
 * The dashboard (a single-page app built into @tollgate/dashboard's dist folder), served at /dashboard from memory.
 * The files are read on the first request for one, not at start-up: a server is ready before anyone opens the
 * dashboard, and one that no browser visits never reads them. Hashed files under /dashboard/assets/ are cached for a
 * year; index.html is revalidated on every load so a new release is picked up at once. Every other /dashboard path is
 * the app's own route and gets index.html. The icon is also at /favicon.ico, where browsers look for it by
 * themselves. Every answer carries a strict Content-Security-Policy: the app loads only its own scripts and styles.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DashboardSignIn } from '@tollgate/core';
import { type StaticAsset, chooseEncoding, etagOf, loadStaticAssets, notModified } from '../http/static-assets.js';

export const DASHBOARD_PATH = '/dashboard';

export const DASHBOARD_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
});

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Files at the top of dist (the icons) keep their names across releases: a day, then revalidated by ETag. */
const UNHASHED = 'public, max-age=86400';
const ROOT_ICON = 'favicon.ico';
const DASHBOARD_PACKAGE = '@tollgate/dashboard';

/**
 * Where the built dashboard is: the dashboard package's `assetsDir`, or undefined when it is not installed.
 * The package is an ES module, loaded with require() (Node >= 20.19) rather than import(): the command's bundle
 * compiles this code from a V8 code cache (packages/cli/src/bundle-loader.ts), and V8 loses the dynamic-import
 * callback of code compiled so (nodejs/node#35375).
 */
export async function dashboardAssetsDir(): Promise<string | undefined> {
  try {
    const module: unknown = createRequire(import.meta.url)(DASHBOARD_PACKAGE);
    const dir = (module as { assetsDir?: unknown }).assetsDir;
    return typeof dir === 'string' ? dir : undefined;
  } catch {
    return undefined;
  }
}

export interface DashboardOptions {
  /** Defaults to the dashboard package's dist folder. */
  assetsDir?: () => Promise<string | undefined>;
  /** How people sign in (`dashboard.signIn`); `oauth` adds the routes of dashboard-sign-in.ts. Default `password`. */
  signIn?: DashboardSignIn;
}

type Assets = ReadonlyMap<string, StaticAsset> | undefined;

async function loadDashboard(assetsDir: () => Promise<string | undefined>, log: FastifyBaseLogger): Promise<Assets> {
  const dir = await assetsDir();
  const assets = dir !== undefined && existsSync(dir) ? await loadStaticAssets(dir) : undefined;
  if (assets === undefined || !assets.has('index.html')) {
    log.warn({ dir }, 'the dashboard is not built: /dashboard answers 503 until `npm run build` is run');
  }
  return assets;
}

export function registerDashboardRoutes(app: FastifyInstance, options: DashboardOptions = {}): void {
  let loading: Promise<Assets> | undefined;
  const assets = (): Promise<Assets> => {
    // A failed read (the files changing under a build, say) is tried again by the next request.
    loading ??= loadDashboard(options.assetsDir ?? dashboardAssetsDir, app.log).catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    serveDashboard(request, reply, await assets());
    return reply;
  };
  const config = { ownCacheControl: true };
  app.get('/', { config }, (_request, reply) => {
    reply.headers(DASHBOARD_SECURITY_HEADERS).header('cache-control', 'no-store').redirect(`${DASHBOARD_PATH}/`, 302);
  });
  app.get(`/${ROOT_ICON}`, { config }, async (request, reply) => {
    serveRootIcon(request, reply, await assets());
    return reply;
  });
  app.get(DASHBOARD_PATH, { config }, serve);
  app.get(`${DASHBOARD_PATH}/*`, { config }, serve);
}

function serveDashboard(request: FastifyRequest, reply: FastifyReply, assets: Assets): void {
  reply.headers(DASHBOARD_SECURITY_HEADERS);
  const index = assets?.get('index.html');
  if (assets === undefined || index === undefined) {
    plain(reply, 503, 'The dashboard has not been built. Run `npm run build` and restart Tollgate.\n');
    return;
  }
  const path = (request.params as { '*'?: string })['*'] ?? '';
  if (path.startsWith('assets/')) {
    const asset = assets.get(path);
    if (asset === undefined) plain(reply, 404, 'Not found\n');
    else sendAsset(request, reply, asset, IMMUTABLE);
    return;
  }
  // A file at the top of dist (favicon, robots.txt) is itself; any other path is a route of the app.
  const file = path === '' || path === 'index.html' ? undefined : assets.get(path);
  if (file === undefined) sendAsset(request, reply, index, 'no-cache');
  else sendAsset(request, reply, file, UNHASHED);
}

function serveRootIcon(
  request: FastifyRequest,
  reply: FastifyReply,
  assets: ReadonlyMap<string, StaticAsset> | undefined,
): void {
  reply.headers(DASHBOARD_SECURITY_HEADERS);
  const icon = assets?.get(ROOT_ICON);
  if (icon === undefined) plain(reply, 404, 'Not found\n');
  else sendAsset(request, reply, icon, UNHASHED);
}

function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: StaticAsset, cacheControl: string): void {
  const encoding = chooseEncoding(request.headers['accept-encoding'], asset);
  const etag = etagOf(asset, encoding);
  reply.header('cache-control', cacheControl).header('vary', 'Accept-Encoding').header('etag', etag);
  if (notModified(request.headers['if-none-match'], etag)) {
    reply.code(304).send();
    return;
  }
  if (encoding !== 'identity') reply.header('content-encoding', encoding);
  reply.type(asset.contentType).send(asset.bodies[encoding]);
}

function plain(reply: FastifyReply, status: number, text: string): void {
  reply.code(status).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(text);
}
