import { Child, h } from './dom';

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
