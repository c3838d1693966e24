// Shared by the examples: one verifier per process, configured from the environment.
import { createVerifier } from '@tollgate/verify';

const issuer = process.env.TOLLGATE_ISSUER ?? 'http://127.0.0.1:8080';
const audience = process.env.TOLLGATE_AUDIENCE ?? 'https://api.example.com';
const clientId = process.env.TOLLGATE_CLIENT_ID;
const clientSecret = process.env.TOLLGATE_CLIENT_SECRET;

export const port = Number(process.env.PORT ?? 3000);

export const verifier = createVerifier({
  issuer,
  audience,
  // With client credentials the verifier subscribes to the revocation stream: revoked tokens are refused within a
  // second. Without them a revoked token keeps working until it expires, and API tokens (tg_...) are refused.
  ...(clientId && clientSecret ? { client: { clientId, clientSecret } } : {}),
});

// Fail at start, with a clear message, if the issuer cannot be reached.
try {
  await verifier.ready();
} catch (error) {
  console.error(`Cannot start: ${error.message}. Is Tollgate running at ${issuer}?`);
  process.exit(1);
}

/** Stops the verifier (its timers and revocation stream) and the server on Ctrl-C or SIGTERM. */
export function closeOnSignal(close) {
  const stop = async () => {
    await close();
    await verifier.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export function announce(server) {
  console.log(`Listening on http://127.0.0.1:${server.address().port} (issuer ${issuer}, audience ${audience})`);
}
