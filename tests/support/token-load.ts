/**
 * A mixed load of token requests, refresh rotations and revocations spread over several nodes through a
 * FailoverClient, recording every outcome a node acknowledged with 200, so a test can check afterwards that
 * each one is reflected in the shared database.
 */
import { asObject, type ClientCredentials, type HttpResult, postForm } from './http.js';
import type { FailoverClient } from './failover.js';

export interface Family {
  /** Every refresh token a node handed out for this family, in order (the first from the password grant). */
  refreshTokens: string[];
  accessTokens: string[];
  /** Revoked with a 200 (its refresh token revoked, RFC 7009 2.1: the whole grant). */
  revoked: boolean;
  /** A rotation answered invalid_grant after a node was lost mid-request: that node may have consumed it. */
  lost: boolean;
}

export interface LoadRecord {
  families: Family[];
  /** client_credentials tokens issued with a 200 and not revoked. */
  issued: string[];
  /** Access tokens whose revocation returned 200. */
  revoked: string[];
  /** Answers no rule explains (a loser's invalid_grant without a lost node, an unexpected status). */
  unexplained: string[];
  operations: number;
}

export interface LoadOptions {
  client: FailoverClient;
  credentials: ClientCredentials;
  user: { username: string; password: string };
  nodeCount: number;
  workers: number;
  until: () => boolean;
}

const form = (params: Record<string, string>, credentials: ClientCredentials) => (url: string) =>
  postForm(`${url}/${params.token === undefined ? 'token' : 'revoke'}`, params, { basic: credentials });

function bodyOf(result: HttpResult): Record<string, unknown> {
  return asObject(result.json, 'token response');
}

class Worker {
  #family: Family | undefined;
  #step = 0;
  #round = 0;

  constructor(
    readonly index: number,
    readonly options: LoadOptions,
    readonly record: LoadRecord,
  ) {}

  /** Spreads calls over the nodes: each step of each worker starts at the next one. */
  #send(params: Record<string, string>): ReturnType<FailoverClient['call']> {
    this.#step += 1;
    this.record.operations += 1;
    const first = (this.index + this.#step) % this.options.nodeCount;
    return this.options.client.call(first, form(params, this.options.credentials));
  }

  #unexplained(what: string, result: HttpResult | undefined): void {
    this.record.unexplained.push(`${what}: ${result ? `${result.status} ${result.text.slice(0, 200)}` : 'no answer'}`);
  }

  async run(): Promise<void> {
    while (!this.options.until()) {
      const family = this.#family ?? (await this.#newFamily());
      if (family === undefined) continue;
      await this.#clientCredentials();
      await this.#rotate(family);
      // Every other round, so some issued tokens stay live to be checked too.
      this.#round += 1;
      if (this.#round % 2 === 0) await this.#revokeIssued();
      if (this.#round % 5 === 0) await this.#revokeFamily(family);
    }
    // A worker whose last round revoked its family leaves one live family behind, so the checks after the load
    // always have rotations to verify (with every worker stopping on a fifth round, none would be left).
    if (this.#family === undefined) {
      const family = await this.#newFamily();
      if (family !== undefined) await this.#rotate(family);
    }
  }

  async #newFamily(): Promise<Family | undefined> {
    const { username, password } = this.options.user;
    const answer = await this.#send({ grant_type: 'password', username, password });
    if (answer?.result.status !== 200) {
      this.#unexplained('password grant', answer?.result);
      return undefined;
    }
    const body = bodyOf(answer.result);
    const family: Family = {
      refreshTokens: [body.refresh_token as string],
      accessTokens: [body.access_token as string],
      revoked: false,
      lost: false,
    };
    this.record.families.push(family);
    this.#family = family;
    return family;
  }

  async #clientCredentials(): Promise<void> {
    const answer = await this.#send({ grant_type: 'client_credentials' });
    if (answer?.result.status === 200) this.record.issued.push(bodyOf(answer.result).access_token as string);
    else this.#unexplained('client_credentials', answer?.result);
  }

  async #rotate(family: Family): Promise<void> {
    const refreshToken = family.refreshTokens.at(-1) as string;
    const answer = await this.#send({ grant_type: 'refresh_token', refresh_token: refreshToken });
    if (answer?.result.status === 200) {
      const body = bodyOf(answer.result);
      family.refreshTokens.push(body.refresh_token as string);
      family.accessTokens.push(body.access_token as string);
      return;
    }
    if (answer?.ambiguous && answer.result.status === 400) family.lost = true;
    else this.#unexplained('refresh', answer?.result);
    this.#family = undefined;
  }

  async #revokeIssued(): Promise<void> {
    const token = this.record.issued.pop();
    if (token === undefined) return;
    const answer = await this.#send({ token, token_type_hint: 'access_token' });
    if (answer?.result.status === 200) this.record.revoked.push(token);
    else this.#unexplained('revoke', answer?.result);
  }

  async #revokeFamily(family: Family): Promise<void> {
    const token = family.refreshTokens.at(-1) as string;
    const answer = await this.#send({ token, token_type_hint: 'refresh_token' });
    if (answer?.result.status === 200) family.revoked = true;
    else this.#unexplained('revoke a family', answer?.result);
    this.#family = undefined;
  }
}

export async function runTokenLoad(options: LoadOptions): Promise<LoadRecord> {
  const record: LoadRecord = { families: [], issued: [], revoked: [], unexplained: [], operations: 0 };
  const workers = Array.from({ length: options.workers }, (_, index) => new Worker(index, options, record));
  await Promise.all(workers.map((worker) => worker.run()));
  return record;
}
