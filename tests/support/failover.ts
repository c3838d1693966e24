/**
 * A client of several nodes as a load balancer with retries would be: each call goes to the node it is given;
 * when that node cannot be reached (refused, reset, closed mid-answer), the same call is retried at the next
 * node. An HTTP answer, any status, is never retried: only the absence of one is.
 */
import type { HttpResult } from './http.js';

export interface FailoverStats {
  /** Calls that met a connection error somewhere and then got an answer from another node. */
  failedOver: number;
  /** Calls that no node answered. */
  unanswered: number;
  /** 5xx answers, with their text. */
  serverErrors: string[];
}

export interface FailoverAnswer {
  result: HttpResult;
  /** True when a node was lost mid-request before this answer: it may or may not have acted on the request. */
  ambiguous: boolean;
}

function refused(error: unknown): boolean {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return cause?.code === 'ECONNREFUSED';
}

export class FailoverClient {
  readonly stats: FailoverStats = { failedOver: 0, unanswered: 0, serverErrors: [] };
  readonly #nodes: readonly (() => string)[];

  constructor(nodes: readonly (() => string)[]) {
    this.#nodes = nodes;
  }

  /** Sends `send(nodeUrl)` to node `first`, then to the others in turn until one answers. */
  async call(first: number, send: (nodeUrl: string) => Promise<HttpResult>): Promise<FailoverAnswer | undefined> {
    let ambiguous = false;
    let failed = false;
    for (let offset = 0; offset < this.#nodes.length; offset += 1) {
      const node = this.#nodes[(first + offset) % this.#nodes.length] as () => string;
      let result: HttpResult;
      try {
        result = await send(node());
      } catch (error) {
        // A refused connection never reached the node; anything else may have been acted upon.
        if (!refused(error)) ambiguous = true;
        failed = true;
        continue;
      }
      if (failed) this.stats.failedOver += 1;
      if (result.status >= 500) this.stats.serverErrors.push(`${result.status} ${result.text.slice(0, 200)}`);
      return { result, ambiguous };
    }
    this.stats.unanswered += 1;
    return undefined;
  }
}
