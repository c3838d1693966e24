/** The top bar: pages (admin pages for admins only), who is signed in, and Sign out. */
import type { SessionView } from './api/types.js';
import { Link, type Page } from './router.js';

const USER_PAGES: [Page, string][] = [['tokens', 'API tokens']];
const ADMIN_PAGES: [Page, string][] = [
  ['apis', 'APIs'],
  ['clients', 'OAuth clients'],
  ['users', 'Users'],
  ['keys', 'Signing keys'],
  ['audit', 'Audit log'],
  ['webhooks', 'Webhooks'],
];

export function TopNav(props: { session: SessionView; page: Page; onSignOut: () => void }) {
  const pages = props.session.user.isAdmin ? [...USER_PAGES, ...ADMIN_PAGES] : USER_PAGES;
  return (
    <header class="top">
      <span class="brand">Tollgate</span>
      <nav aria-label="Main">
        <ul>
          {pages.map(([page, label]) => (
            <li key={page}>
              <Link page={page} current={page === props.page}>
                {label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div class="who">
        <span>
          {props.session.user.username}
          {props.session.user.isAdmin ? <span class="muted"> (admin)</span> : null}
        </span>
        <button type="button" class="secondary small" onClick={props.onSignOut}>
          Sign out
        </button>
      </div>
    </header>
  );
}
