/**
 * `signingAlgorithm` chooses the algorithm of keys generated from now on; changing it never replaces the key that
 * signs, because an implicit rotation at start (on every node of a cluster at once) would sign with keys the
 * verifiers have not fetched yet. Nor does a difference stop the server: a rolling restart with a new setting must not
 * become an outage. So the operator is told, once at start, and shown the command that switches.
 */
import { OPERATOR, type Tollgate } from '@tollgate/core';
import type { Logger } from 'pino';

export async function warnIfSigningAlgorithmDiffers(
  tollgate: Pick<Tollgate, 'as'>,
  configured: string,
  logger: Pick<Logger, 'warn'>,
): Promise<void> {
  // A read through the one management path (reads are not audited).
  const keys = await tollgate.as(OPERATOR).keys.list();
  const signing = keys.find((key) => key.signing);
  if (signing === undefined || signing.alg === configured) return;
  const upcoming = keys.find((key) => key.alg === configured && key.activatesAt > signing.activatesAt);
  if (upcoming !== undefined) return;
  logger.warn(
    `signingAlgorithm is ${configured} but the key that signs (${signing.kid}) is ${signing.alg}: tokens stay ` +
      `${signing.alg}-signed until you run \`tollgate keys rotate\`, which publishes a ${configured} key and ` +
      'signs with it after the key propagation delay',
  );
}
