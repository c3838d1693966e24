/**
 * The one moment a secret is shown: a panel that says so, with Copy (the Clipboard API) and whatever
 * downloads the caller adds. The secret stays in component state only and is gone once the panel closes.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export interface SecretPanelProps {
  title: string;
  secret: string;
  /** Shown above the secret, e.g. which client or token it belongs to. */
  details?: ComponentChildren;
  /** Extra buttons (downloads). */
  children?: ComponentChildren;
  onDone: () => void;
}

type CopyState = 'idle' | 'copied' | 'failed';

export function SecretPanel(props: SecretPanelProps) {
  const [copy, setCopy] = useState<CopyState>('idle');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);

  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(props.secret);
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  };

  return (
    <section class="secret-panel" aria-labelledby="secret-title">
      <h2 id="secret-title" ref={heading} tabIndex={-1}>
        {props.title}
      </h2>
      <p class="warning">Copy it now: it won't be shown again.</p>
      {props.details}
      <code class="secret" data-testid="new-secret">
        {props.secret}
      </code>
      <div class="actions">
        <button type="button" class="primary" onClick={onCopy}>
          {copy === 'copied' ? 'Copied' : 'Copy'}
        </button>
        {props.children}
        <button type="button" class="secondary" onClick={props.onDone}>
          Done
        </button>
      </div>
      <p class="muted" role="status">
        {copy === 'copied' ? 'Copied to the clipboard.' : ''}
        {copy === 'failed' ? 'Copying failed: select the text above and copy it by hand.' : ''}
      </p>
    </section>
  );
}
