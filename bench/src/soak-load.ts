/**
 * The soak's mixed load, from this process, a few paced workers: client_credentials tokens, introspections,
 * revocations, JSON logins and refresh rotations at the nodes (whichever is up), requests through both
 * gateways with live and with revoked tokens, and admin writes (new APIs). Every answer is tallied by endpoint
 * and status (or network error); revocations and admin writes that got a 2xx are kept as acknowledged writes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SoakCluster } from './soak-cluster.js';

const REQUEST_TIMEOUT_MS = 10_000;
const PAUSE_MS = Number(process.env.BENCH_SOAK_PAUSE_MS) || 25;
/** A revoked token is sent through a gateway only this long after its revocation's 200 (propagation time). */
export const REVOKED_AGE_MS = 10_000;
/** Tokens kept for reuse: the load generator's own memory stays flat over a long run. */
const KEPT_TOKENS = 200;

export interface SoakFixture {
  /** `Basic ...` of a client allowed client_credentials, password and refresh_token. */
  authorization: string;
  /** The same client, for the gateways (introspection, revocation stream). */
  client: { clientId: string; clientSecret: string };
  username: string;
  password: string;
  /** Admin session cookie and CSRF token. */
  cookie: string;
  csrfToken: string;
}

export interface Acknowledged {
  revokedJtis: string[];
  apiIdentifiers: string[];
}

/** `endpoint -> outcome -> count`; the outcome is the HTTP status or `network error`. */
export type Tally = Map<string, Map<string, number>>;

/** What each endpoint should answer; anything else is an error of that kind. */
export const EXPECTED: Record<string, string> = {
  'POST /token client_credentials': '200',
  'POST /introspect': '200',
  'POST /revoke': '200',
  'POST /token JSON login': '200',
  'POST /token refresh_token': '200',
  'GET gateway /data, live token': '200',
  [`GET gateway /data, token revoked > ${REVOKED_AGE_MS / 1000} s`]: '401',
  'POST /api/v1/apis': '201',
};

interface State {
  live: string[];
  revoked: { token: string; at: number }[];
  refreshTokens: string[];
  sequence: number;
}

export class SoakLoad {
  readonly tally: Tally = new Map();
  readonly acknowledged: Acknowledged = { revokedJtis: [], apiIdentifiers: [] };
  private readonly state: State = { live: [], revoked: [], refreshTokens: [], sequence: 0 };
  private running = true;

  constructor(
    private readonly cluster: SoakCluster,
    private readonly fixture: SoakFixture,
    private readonly runId: string,
  ) {}

  stop(): void {
    this.running = false;
  }

  /** `workers` paced loops until stop(); resolves once every request in flight has settled. */
  async run(workers: number): Promise<void> {
    await Promise.all(Array.from({ length: workers }, (_, index) => this.worker(index)));
  }

  private async worker(index: number): Promise<void> {
    const steps = [
      () => this.issue(index),
      () => this.introspect(index),
      () => this.throughGateway(index, 'live'),
      () => this.revoke(index + 1),
      () => this.throughGateway(index + 1, 'revoked'),
      () => this.issue(index + 1),
      () => this.throughGateway(index + 1, 'live'),
      () => this.refresh(index),
      () => this.adminWrite(index + 1),
    ];
    for (let round = 0; this.running; round += 1) {
      // A login costs an argon2id hash (19 MiB): one every few rounds keeps the load modest.
      if (round % 4 === index % 4) await this.login(index);
      for (const step of steps) {
        if (!this.running) return;
        await step();
        await sleep(PAUSE_MS);
      }
    }
  }

  private count(endpoint: string, outcome: string): void {
    const outcomes = this.tally.get(endpoint) ?? new Map<string, number>();
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    this.tally.set(endpoint, outcomes);
  }

  /** One request; its outcome tallied; the parsed JSON body (or undefined) on the expected status. */
  private async send(endpoint: string, url: string | undefined, init: RequestInit): Promise<unknown> {
    if (url === undefined) {
      this.count(endpoint, 'no node up');
      return undefined;
    }
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const text = await response.text();
      this.count(endpoint, String(response.status));
      if (String(response.status) !== EXPECTED[endpoint]) return undefined;
      return text === '' ? {} : (JSON.parse(text) as unknown);
    } catch (error) {
      const name = error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'network error';
      this.count(endpoint, name);
      return undefined;
    }
  }

  private nodeUrl(index: number, path: string): string | undefined {
    const node = this.cluster.anyNode(index % 2);
    return node === undefined ? undefined : `${node.url}${path}`;
  }

  private form(body: Record<string, string>, authorization = this.fixture.authorization): RequestInit {
    return {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body).toString(),
    };
  }

  private async issue(index: number): Promise<void> {
    const body = this.form({ grant_type: 'client_credentials', scope: 'read:data' });
    const issued = await this.send('POST /token client_credentials', this.nodeUrl(index, '/token'), body);
    const token = (issued as { access_token?: unknown } | undefined)?.access_token;
    if (typeof token === 'string') keep(this.state.live, token);
  }

  private async introspect(index: number): Promise<void> {
    const token = this.state.live.at(-1);
    if (token === undefined) return;
    await this.send('POST /introspect', this.nodeUrl(index, '/introspect'), this.form({ token }));
  }

  private async revoke(index: number): Promise<void> {
    const token = this.state.live.shift();
    if (token === undefined) return;
    const done = await this.send('POST /revoke', this.nodeUrl(index, '/revoke'), this.form({ token }));
    if (done === undefined) return;
    this.acknowledged.revokedJtis.push(jtiOf(token));
    keep(this.state.revoked, { token, at: Date.now() });
  }

  private async throughGateway(index: number, kind: 'live' | 'revoked'): Promise<void> {
    const token = kind === 'live' ? this.state.live.at(-1) : this.oldRevokedToken();
    const gateway = this.cluster.gateways[index % this.cluster.gateways.length];
    if (token === undefined || gateway === undefined) return;
    const endpoint =
      kind === 'live'
        ? 'GET gateway /data, live token'
        : `GET gateway /data, token revoked > ${REVOKED_AGE_MS / 1000} s`;
    await this.send(endpoint, `${gateway.url}/data`, { headers: { authorization: `Bearer ${token}` } });
  }

  private oldRevokedToken(): string | undefined {
    const old = this.state.revoked.filter((entry) => Date.now() - entry.at > REVOKED_AGE_MS);
    return old[Math.floor(Math.random() * old.length)]?.token;
  }

  private async login(index: number): Promise<void> {
    const { username, password } = this.fixture;
    const init: RequestInit = {
      method: 'POST',
      headers: { authorization: this.fixture.authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'password', username, password, scope: 'read:data' }),
    };
    const answer = await this.send('POST /token JSON login', this.nodeUrl(index, '/token'), init);
    const refresh = (answer as { refresh_token?: unknown } | undefined)?.refresh_token;
    if (typeof refresh === 'string') this.state.refreshTokens.push(refresh);
  }

  /** Each refresh token is used once: after a failure it may have been consumed, and a replay revokes its grant. */
  private async refresh(index: number): Promise<void> {
    const refreshToken = this.state.refreshTokens.shift();
    if (refreshToken === undefined) return;
    const body = this.form({ grant_type: 'refresh_token', refresh_token: refreshToken });
    const answer = await this.send('POST /token refresh_token', this.nodeUrl(index, '/token'), body);
    const next = (answer as { refresh_token?: unknown } | undefined)?.refresh_token;
    if (typeof next === 'string') this.state.refreshTokens.push(next);
  }

  private async adminWrite(index: number): Promise<void> {
    this.state.sequence += 1;
    const identifier = `https://soak.example.com/${this.runId}/${this.state.sequence}`;
    const init: RequestInit = {
      method: 'POST',
      headers: {
        cookie: this.fixture.cookie,
        'x-csrf-token': this.fixture.csrfToken,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ identifier, scopes: ['read:data'] }),
    };
    const created = await this.send('POST /api/v1/apis', this.nodeUrl(index, '/api/v1/apis'), init);
    if (created !== undefined) this.acknowledged.apiIdentifiers.push(identifier);
  }
}

function keep<T>(list: T[], entry: T): void {
  list.push(entry);
  if (list.length > KEPT_TOKENS) list.shift();
}

/** The `jti` of a JWT, read without verifying: the token is ours, this only names the row to look for. */
export function jtiOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    jti?: unknown;
  };
  if (typeof payload.jti !== 'string') throw new Error('an access token without jti');
  return payload.jti;
}
