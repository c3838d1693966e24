/** `host:port` as `metrics.listen` takes it: `127.0.0.1:9464`, `[::1]:9464`, `localhost:9464`. */
import { z } from 'zod';

const SHAPE = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/;

export function parseListenAddress(value: string): { host: string; port: number } | undefined {
  const match = SHAPE.exec(value.trim());
  if (match === null) return undefined;
  const port = Number(match[3]);
  if (port > 65_535) return undefined;
  return { host: (match[1] ?? match[2]) as string, port };
}

export const listenAddress = z.unknown().transform((value, ctx) => {
  const address = typeof value === 'string' ? parseListenAddress(value) : undefined;
  if (address === undefined) {
    ctx.addIssue({ code: 'custom', message: 'must be host:port, such as 127.0.0.1:9464 or [::1]:9464' });
    return z.NEVER;
  }
  return address;
});
