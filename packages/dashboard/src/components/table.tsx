/** A list as a table that scrolls sideways on narrow screens, and the buttons in its rows. */
import type { ComponentChildren } from 'preact';

export function Table(props: {
  /** Column headers; `false` leaves a column out. */
  columns: readonly (string | false)[];
  /** A last column for row buttons, named for screen readers only. */
  actions?: boolean;
  class?: string;
  children: ComponentChildren;
}) {
  return (
    <div class="table-wrap">
      <table class={props.class}>
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
