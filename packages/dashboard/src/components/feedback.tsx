/** Error and status lines, announced to screen readers when they appear. */
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
