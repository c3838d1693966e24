/**
 * Client-side routing with the History API under /dashboard/. The server answers every /dashboard/<page>
 * with index.html, so a reload or a bookmark lands on the same page.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';

const BASE = '/dashboard/';
const NAVIGATED = 'tollgate:navigated';

export type Page = 'tokens' | 'apis' | 'clients' | 'users' | 'keys' | 'audit' | 'webhooks';
const PAGES: readonly Page[] = ['tokens', 'apis', 'clients', 'users', 'keys', 'audit', 'webhooks'];

export function hrefOf(page: Page): string {
  return BASE + page;
}

/** The page the address bar names; the tokens page for /dashboard/ and anything unknown. */
export function currentPage(): Page {
  const rest = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '';
  const name = rest.split('/')[0] ?? '';
  return (PAGES as readonly string[]).includes(name) ? (name as Page) : 'tokens';
}

export function navigate(page: Page): void {
  if (currentPage() === page && location.pathname === hrefOf(page)) return;
  history.pushState(null, '', hrefOf(page));
  dispatchEvent(new Event(NAVIGATED));
}

export function useCurrentPage(): Page {
  const [page, setPage] = useState(currentPage);
  useEffect(() => {
    const update = () => setPage(currentPage());
    addEventListener('popstate', update);
    addEventListener(NAVIGATED, update);
    return () => {
      removeEventListener('popstate', update);
      removeEventListener(NAVIGATED, update);
    };
  }, []);
  return page;
}

/** A real link (middle-click and "open in new tab" work) that navigates in place on a plain click. */
export function Link(props: { page: Page; current: boolean; children: ComponentChildren }) {
  const onClick = (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(props.page);
  };
  return (
    <a href={hrefOf(props.page)} aria-current={props.current ? 'page' : undefined} onClick={onClick}>
      {props.children}
    </a>
  );
}
