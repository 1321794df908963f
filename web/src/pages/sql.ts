import { api, canQuery } from '../api';
import { append, field, h, replace } from '../dom';
import { busy, clearErrors, formError, showErrors } from '../forms';
import { PageContext } from '../router';

interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

// The read-only SQL console (POST /api/v1/analytics/query): admin and manager only; the
// server enforces it, this page only avoids offering it to others.
export function sqlPage({ root }: PageContext): void {
  if (!canQuery()) {
    append(
      root,
      h('h1', {}, 'Not allowed'),
      h('p', { 'data-testid': 'not-allowed' }, 'The SQL console is for administrators and managers. Ask one of them if you need a report.'),
    );
    return;
  }
  const sql = h('textarea', { rows: 6, spellcheck: 'false', 'data-testid': 'sql-input', class: 'mono' });
  sql.value = 'SELECT day, orders, total / 100.0 AS total FROM analytics_sales_by_day ORDER BY day DESC LIMIT 20';
  const run = h('button', { type: 'submit', class: 'primary', 'data-testid': 'sql-run' }, 'Run');
  const out = h('div', { 'data-testid': 'sql-result' });
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    formError(),
    h('p', { class: 'muted small' }, 'Read-only: the analytics_* tables can be read (amounts in minor units), with a 2 s time limit and a row cap.'),
    field('Query', 'sql', sql),
    run,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    void busy(run, async () => {
      try {
        const t0 = performance.now();
        const r = await api<QueryResult>('POST', '/api/v1/analytics/query', { sql: sql.value });
        const ms = Math.round(performance.now() - t0);
        replace(
          out,
          h('p', { class: 'muted small' }, `${r.rows.length} rows in ${ms} ms`),
          h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'list mono' },
              h('thead', {}, h('tr', {}, ...r.columns.map((c) => h('th', {}, c)))),
              h('tbody', {}, ...r.rows.map((row) => h('tr', {}, ...row.map((v) => h('td', {}, cell(v)))))),
            ),
          ),
        );
      } catch (e) {
        replace(out);
        showErrors(form, e);
      }
    });
  });
  append(root, h('h1', {}, 'SQL console'), form, out);
}
