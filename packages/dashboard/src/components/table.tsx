/**
 * A list as a table. On a narrow screen each row becomes a card (styles.css, `table.stack`), each cell labelled by
 * its `data-label`, so nothing hides past the right edge; where a wide table must still scroll sideways, its
 * scrolling box becomes a named, focusable region, so a keyboard can scroll it too (WCAG 2.1.1).
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** Whether the element is narrower than what it holds, kept current as either resizes. */
function useScrollsSideways(ref: { current: HTMLElement | null }): boolean {
  const [scrolls, setScrolls] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => setScrolls(element.scrollWidth > element.clientWidth));
    observer.observe(element);
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    return () => observer.disconnect();
  }, []);
  return scrolls;
}

export function Table(props: {
  /** Column headers; `false` leaves a column out. */
  columns: readonly (string | false)[];
  /** A last column for row buttons, named for screen readers only. */
  actions?: boolean;
  /** The table's name, for screen readers: a heading's id, or else the text of `label`. */
  labelledBy?: string;
  label?: string;
  class?: string;
  children: ComponentChildren;
}) {
  const wrap = useRef<HTMLDivElement>(null);
  const scrolls = useScrollsSideways(wrap);
  const name = { 'aria-labelledby': props.labelledBy, 'aria-label': props.labelledBy ? undefined : props.label };
  return (
    <div ref={wrap} class="table-wrap" {...(scrolls ? { role: 'region', tabIndex: 0, ...name } : {})}>
      <table class={props.class ? `stack ${props.class}` : 'stack'} {...name}>
        <thead>
          <tr>
            {props.columns.map((column) =>
              column === false ? null : (
                <th key={column} scope="col">
                  {column}
                </th>
              ),
            )}
            {props.actions ? (
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

/** A link-styled button in a row; `label` is its accessible name, which says which row it acts on. */
export function RowAction(props: {
  label: string;
  danger?: boolean;
  expanded?: boolean;
  onClick: () => void;
  children: string;
}) {
  return (
    <button
      type="button"
      class={props.danger ? 'link danger-text' : 'link'}
      aria-expanded={props.expanded}
      aria-label={props.label}
      onClick={props.onClick}
    >
      {props.children}
    </button>
  );
}
