import { get, Page } from './api';
import { append, Child, h, replace } from './dom';

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

// A list page's heading, with a "New …" link for those allowed to create.
export function titleRow(title: string, newLink: false | [href: string, label: string]): HTMLElement {
  return h(
    'div',
    { class: 'title-row' },
    h('h1', {}, title),
    newLink && h('a', { href: newLink[0], class: 'button primary' }, newLink[1]),
  );
}

// A cursor-paged list shown in `list`: each call loads `path` with the filters of `filters()`,
// 50 rows at a time; without a cursor it starts again from the first page.
export function pagedList<T>(
  list: HTMLElement,
  path: string,
  filters: () => URLSearchParams,
  columns: Column<T>[],
  empty: string,
): (cursor?: string) => Promise<void> {
  const load = async (cursor?: string): Promise<void> => {
    const q = filters();
    q.set('limit', '50');
    if (cursor) q.set('cursor', cursor);
    const page = await get<Page<T>>(`${path}?${q}`);
    showPage(list, table<T>(columns, page.items), !cursor, empty);
    append(list, pager(page.next_cursor, (c) => load(c)));
  };
  return load;
}

// Calls `reload` once the user has stopped typing in `input` for 250 ms.
export function onSearch(input: HTMLInputElement, reload: () => void): void {
  let timer: number | undefined;
  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(reload, 250);
  });
}
