import { api, can, get, Page as ListPage } from '../api';
import { append, h, replace, select } from '../dom';
import { busy, formError, showErrors } from '../forms';
import { dateTime, money } from '../format';
import { PageContext } from '../router';
import { badge, pagedList, table, titleRow } from '../table';
import { Invoice, Order } from './order_new';

const STATUSES = ['placed', 'shipped', 'completed', 'cancelled'];

export async function ordersPage({ root, query }: PageContext): Promise<void> {
  const status = select(
    { 'aria-label': 'Status', 'data-testid': 'status-filter' },
    [['', 'All statuses'], ...STATUSES.map((s): [string, string] => [s, s])],
    query.get('status') ?? '',
  );
  const list = h('div', {});
  append(
    root,
    titleRow('Orders', can('orders.write') && ['/orders/new', 'New order']),
    h('div', { class: 'filters' }, status),
    list,
  );
  const load = pagedList<Order>(
    list,
    '/api/v1/orders',
    () => new URLSearchParams(status.value ? { status: status.value } : {}),
    [
      { label: 'Number', cell: (o) => h('a', { href: `/orders/${encodeURIComponent(o.id)}` }, o.number) },
      { label: 'Customer', cell: (o) => o.customer_name },
      { label: 'Status', cell: (o) => badge(o.status) },
      { label: 'Total', cell: (o) => money(o.total_amount), num: true },
      { label: 'Placed', cell: (o) => o.placed_on },
    ],
    'No orders.',
  );
  status.addEventListener('change', () => {
    history.replaceState(null, '', status.value ? `/orders?status=${status.value}` : '/orders');
    void load();
  });
  await load();
}

// The transitions a user may ask for from each status (the server enforces them).
const ACTIONS: Record<string, Array<[string, string]>> = {
  placed: [
    ['shipped', 'Ship'],
    ['cancelled', 'Cancel'],
  ],
  shipped: [['completed', 'Complete']],
};

export async function orderDetailPage({ root, params }: PageContext): Promise<void> {
  const body = h('div', {});
  append(root, h('p', {}, h('a', { href: '/orders' }, '← Orders')), body);
  const render = async () => {
    const id = encodeURIComponent(params.id);
    const [o, invoices] = await Promise.all([
      get<Order>(`/api/v1/orders/${id}`),
      can('invoices.read') ? get<ListPage<Invoice>>(`/api/v1/invoices?order_id=${id}`) : Promise.resolve({ items: [], next_cursor: null }),
    ]);
    const errors = formError();
    const actions = h('div', { class: 'actions' });
    if (can('orders.write')) {
      for (const [to, label] of ACTIONS[o.status] ?? []) {
        const b = h('button', { type: 'button', class: to === 'cancelled' ? 'danger' : 'primary', 'data-testid': `order-${to}` }, label);
        b.addEventListener('click', () => {
          if (to === 'cancelled' && !window.confirm(`Cancel order ${o.number}?`)) return;
          void busy(b, async () => {
            try {
              await api('PATCH', `/api/v1/orders/${id}`, { status: to }, { headers: { 'If-Match': `"${o.version}"` } });
              await render();
            } catch (e) {
              showErrors(body, e);
            }
          });
        });
        actions.appendChild(b);
      }
    }
    replace(
      body,
      h('div', { class: 'title-row' }, h('h1', { 'data-testid': 'order-title' }, `Order ${o.number}`), badge(o.status)),
      errors,
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Customer'),
        h('dd', {}, o.customer_name),
        h('dt', {}, 'Placed'),
        h('dd', {}, `${o.placed_on} (${dateTime(o.created_at)})`),
        h('dt', {}, 'Subtotal'),
        h('dd', {}, money(o.subtotal, o.currency)),
        h('dt', {}, 'VAT'),
        h('dd', {}, money(o.vat_total, o.currency)),
        h('dt', {}, 'Total'),
        h('dd', { class: 'strong' }, money(o.total_amount, o.currency)),
        h('dt', {}, 'Invoice'),
        h(
          'dd',
          {},
          ...(invoices.items.length
            ? invoices.items.map((i) => h('a', { href: `/invoices/${encodeURIComponent(i.id)}` }, `${i.number} (${i.status})`))
            : ['—']),
        ),
      ),
      actions,
      h('h2', {}, 'Lines'),
      table(
        [
          { label: 'SKU', cell: (l) => l.sku },
          { label: 'Product', cell: (l) => l.name },
          { label: 'Qty', cell: (l) => `${l.qty} ${l.unit}`, num: true },
          { label: 'Price', cell: (l) => money(l.price), num: true },
          { label: 'Total', cell: (l) => money(l.total), num: true },
        ],
        o.items,
      ),
    );
  };
  await render();
}
