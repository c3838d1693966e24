/**
 * Preloaded into a server under test (NODE_OPTIONS=--import) to answer DNS for made-up names, since the test machine
 * has no DNS of its own: FAKE_DNS_HOSTS holds `{"name": ["address", ...]}`, the way a hostile DNS server would answer.
 * Other names go to the real dns.lookup. Test-only: nothing in Tollgate knows of it.
 */
import dns, { type LookupAddress, type LookupAllOptions } from 'node:dns';
import { fileURLToPath } from 'node:url';

export const FAKE_DNS_VARIABLE = 'FAKE_DNS_HOSTS';

/** The environment that makes a child Node process resolve `hosts` as given. */
export function fakeDnsEnvironment(hosts: Record<string, string[]>): Record<string, string> {
  const preload = fileURLToPath(import.meta.url);
  return { NODE_OPTIONS: `--import=${preload}`, [FAKE_DNS_VARIABLE]: JSON.stringify(hosts) };
}

type Callback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

const table = JSON.parse(process.env[FAKE_DNS_VARIABLE] ?? '{}') as Record<string, string[]>;
if (Object.keys(table).length > 0) {
  const realLookup = dns.lookup;
  const fakeLookup = (hostname: string, options: unknown, callback?: unknown): void => {
    const done = (typeof options === 'function' ? options : callback) as Callback;
    const settings = (typeof options === 'object' && options !== null ? options : {}) as LookupAllOptions;
    const addresses = table[hostname];
    if (addresses === undefined) {
      (realLookup as (name: string, options: object, callback: Callback) => void)(hostname, settings, done);
      return;
    }
    const entries = addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
    const [first] = entries;
    process.nextTick(() => (settings.all ? done(null, entries) : done(null, first?.address ?? '', first?.family)));
  };
  dns.lookup = fakeLookup as typeof dns.lookup;
}
