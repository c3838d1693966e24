/** Error and status lines, announced to screen readers when they appear. */
import type { ComponentChildren } from 'preact';

export function ErrorMessage(props: { message: string | null }) {
  if (props.message === null) return null;
  return (
    <p class="error" role="alert">
      {props.message}
    </p>
  );
}

export function Loading(props: { what: string }) {
  return (
    <p class="muted" role="status">
      Loading {props.what}…
    </p>
  );
}

export function Badge(props: { tone: 'ok' | 'warn' | 'bad' | 'info'; children: string }) {
  return <span class={`badge badge-${props.tone}`}>{props.children}</span>;
}

/** What a page loaded: its load error, "Loading…" until the first answer, then the content. */
export function Loaded<T>(props: {
  state: { data: T | undefined; error: string | null };
  what: string;
  children: (data: T) => ComponentChildren;
}) {
  const { data, error } = props.state;
  return (
    <>
      <ErrorMessage message={error} />
      {data === undefined ? <Loading what={props.what} /> : props.children(data)}
    </>
  );
}
