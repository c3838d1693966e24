/**
 * The dashboard shell: finds out whether a session exists, shows sign-in or the signed-in pages, and sends
 * the person back to sign-in (with a message) whenever the API says the session is gone.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, onUnauthenticated, setCsrfToken } from './api/client.js';
import type { SessionView } from './api/types.js';
import { Loading } from './components/feedback.js';
import { discardDraft, keepOpenDraft } from './drafts.js';
import { TopNav } from './nav.js';
import { ApisPage } from './pages/apis.js';
import { AuditPage } from './pages/audit.js';
import { ClientsPage } from './pages/clients.js';
import { KeysPage } from './pages/keys.js';
import { SignIn } from './pages/sign-in.js';
import { TokensPage } from './pages/tokens.js';
import { UsersPage } from './pages/users.js';
import { WebhooksPage } from './pages/webhooks.js';
import { type Page, useCurrentPage } from './router.js';

type State =
  | { kind: 'checking' }
  | { kind: 'signed-out'; notice: string | null }
  | { kind: 'signed-in'; session: SessionView };

export const SESSION_EXPIRED = 'Your session has expired. Please sign in again.';

const TITLES: Record<Page, string> = {
  tokens: 'API tokens',
  apis: 'APIs',
  clients: 'OAuth clients',
  users: 'Users',
  keys: 'Signing keys',
  audit: 'Audit log',
  webhooks: 'Webhooks',
};

function PageFor(props: { page: Page; session: SessionView }) {
  const { page, session } = props;
  if (page === 'tokens') return <TokensPage session={session} />;
  // Non-admins never load admin data: the page is not even rendered (and the API would answer 403).
  if (!session.user.isAdmin) return <p>This page is for administrators.</p>;
  if (page === 'apis') return <ApisPage />;
  if (page === 'clients') return <ClientsPage />;
  if (page === 'users') return <UsersPage />;
  if (page === 'keys') return <KeysPage />;
  if (page === 'webhooks') return <WebhooksPage />;
  return <AuditPage />;
}

export function App() {
  const [state, setState] = useState<State>({ kind: 'checking' });
  const page = useCurrentPage();

  const signedIn = (session: SessionView) => {
    setCsrfToken(session.csrfToken);
    setState({ kind: 'signed-in', session });
  };
  const signedOut = (notice: string | null) => {
    setCsrfToken(null);
    setState({ kind: 'signed-out', notice });
  };

  useEffect(() => {
    onUnauthenticated(() => {
      keepOpenDraft();
      signedOut(SESSION_EXPIRED);
    });
    api.get<SessionView>('/session', { expect401: true }).then(signedIn, (error: unknown) => {
      const notice = error instanceof ApiError && error.status === 401 ? null : (error as Error).message;
      signedOut(notice);
    });
  }, []);

  useEffect(() => {
    const title = state.kind === 'signed-in' ? TITLES[page] : 'Sign in';
    document.title = `${title} · Tollgate`;
  }, [state.kind, page]);

  if (state.kind === 'checking') return <Loading what="the dashboard" />;
  if (state.kind === 'signed-out') return <SignIn notice={state.notice} onSignedIn={signedIn} />;

  const signOut = async () => {
    try {
      await api.delete('/session');
    } catch {
      // Signed out either way: the cookie is cleared or the session was already gone.
    }
    discardDraft();
    signedOut('You have signed out.');
  };

  return (
    <>
      <a class="skip" href="#content">
        Skip to content
      </a>
      <TopNav session={state.session} page={page} onSignOut={signOut} />
      <main id="content" tabIndex={-1}>
        <h1>{TITLES[page]}</h1>
        <PageFor key={page} page={page} session={state.session} />
      </main>
    </>
  );
}
