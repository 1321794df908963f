import { Child, h, replace } from './dom';

export interface Column<T> {
  label: string;
  cell: (row: T) => Child;
  num?: boolean;
}

// A table whose cells are text or nodes built by the caller (never markup strings).
export function table<T>(columns: Column<T>[], rows: T[], rowAttrs?: (row: T) => Record<string, string>): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'list' },
      h('thead', {}, h('tr', {}, ...columns.map((c) => h('th', { class: c.num ? 'num' : '' }, c.label)))),
      h(
        'tbody',
        {},
        ...rows.map((r) =>
          h(
            'tr',
            rowAttrs ? rowAttrs(r) : {},
            ...columns.map((c) => h('td', { class: c.num ? 'num' : '', 'data-label': c.label }, c.cell(r))),
          ),
        ),
      ),
    ),
  );
}

// "Load more" for cursor pagination: calls `load(cursor)` and appends what it returns.
export function pager(next: string | null, load: (cursor: string) => Promise<void>): HTMLElement | null {
  if (!next) return null;
  const b = h('button', { type: 'button' }, 'Load more');
  b.addEventListener('click', () => {
    b.disabled = true;
    void load(next).finally(() => b.remove());
  });
  return h('div', { class: 'pager' }, b);
}

export function badge(text: string, kind = text): HTMLElement {
  return h('span', { class: `badge ${kind.replace(/[^a-z_-]/gi, '')}` }, text);
}

// Shows the first page of a list (`t`), or adds a later page's rows to the table already shown.
export function showPage(list: HTMLElement, t: HTMLElement, first: boolean, empty: string): void {
  const rows = t.querySelectorAll('tbody tr');
  const body = list.querySelector('tbody');
  if (first || !body) {
    replace(list, rows.length ? t : h('p', { class: 'muted' }, empty));
  } else {
    body.append(...Array.from(rows));
  }
}
