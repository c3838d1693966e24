/**
 * Opens a URL in the user's browser with the platform's own opener, the URL passed as one argument (no shell, so
 * nothing in it is interpreted). For `loginWithLoopback({ onAuthorizationUrl: openBrowser })`.
 */
import { spawn } from 'node:child_process';

function opener(url: string): [string, string[]] {
  if (process.platform === 'darwin') return ['open', [url]];
  // `start` is a cmd built-in that splits on `&`; the URL protocol handler takes the URL whole.
  if (process.platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  return ['xdg-open', [url]];
}

export function openBrowser(url: string): Promise<void> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new TypeError('only http(s) URLs are opened');
  const [command, args] = opener(parsed.href);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
