import { api, ApiError, can, get, getAll, randomKey } from '../api';
import { append, field, h, replace, select } from '../dom';
import { clearErrors, formError, parseDetail, showErrors } from '../forms';
import { money } from '../format';
import { Cleanup, PageContext } from '../router';

export interface Customer {
  id: string;
  name: string;
  email: string;
  phone?: string | null;
  kind: string;
  payment_terms_days: number;
  credit_limit?: string | null;
  archived?: boolean;
}
export interface Product {
  sku: string;
  name: string;
  price: string;
  unit: string;
  vat_rate: string;
  active: boolean;
  description?: string | null;
  unit_cost?: string | null;
}
export interface Order {
  id: string;
  number: string;
  status: string;
  customer_id: string;
  customer_name: string;
  currency: string;
  total_amount: string;
  subtotal: string;
  vat_total: string;
  placed_on: string;
  version: number;
  created_at: string;
  items: Array<{ sku: string; name: string; qty: number; unit: string; price: string; total: string }>;
}
export interface Invoice {
  id: string;
  number: string;
  order_id: string | null;
  order_number: string | null;
  status: string;
  total: string;
  amount_paid: string;
  amount_due: string;
  due_date: string;
  issue_date: string;
  customer_name: string;
  currency: string;
}

interface Line {
  sku: string;
  qty: number;
}

// The invoice is issued by a durable consumer right after the order commits: poll briefly.
async function invoiceFor(orderId: string, timeoutMs = 5000): Promise<Invoice | null> {
  const deadline = performance.now() + timeoutMs;
  let wait = 20;
  while (performance.now() < deadline) {
    const page = await get<{ items: Invoice[] }>(`/api/v1/invoices?order_id=${encodeURIComponent(orderId)}`);
    if (page.items.length > 0) return page.items[0];
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 250);
  }
  return null;
}

// The error of an order sent as the single line in the inputs: items[0] -> those inputs.
function pendingDetails(e: ApiError): ApiError {
  const details = e.details.map((d) => {
    const { field, note } = parseDetail(d);
    if (field === null || !field.startsWith('items[0]')) return d;
    const to = field === 'items[0].qty' ? 'qty' : 'sku';
    return note ? `${to} ${note}` : to;
  });
  return new ApiError(e.status, e.code, e.message, details, e.requestId);
}

export async function newOrderPage({ root }: PageContext): Promise<Cleanup | void> {
  append(root, h('h1', {}, 'New order'));
  const writable = can('orders.write');
  if (!writable) {
    append(
      root,
      h('p', { class: 'notice', 'data-testid': 'read-only-notice' }, 'Your role can look at orders but not place them.'),
    );
  }
  const [customers, products] = await Promise.all([
    getAll<Customer>('/api/v1/customers?limit=200'),
    getAll<Product>('/api/v1/products?active=true&limit=200'),
  ]);
  const bySku = new Map(products.map((p) => [p.sku, p]));

  const customer = select(
    { 'data-testid': 'customer-select', required: true },
    [['', 'Choose a customer…'], ...customers.map((c): [string, string] => [c.id, `${c.name} (${c.email})`])],
  );
  const product = select(
    { 'data-testid': 'product-select' },
    [['', 'Choose a product…'], ...products.map((p): [string, string] => [p.sku, `${p.name} — ${p.sku} — ${money(p.price)}/${p.unit}`])],
  );
  const qty = h('input', { type: 'number', min: 1, step: 1, value: '1', inputmode: 'numeric', 'data-testid': 'qty-input' });
  const addLine = h('button', { type: 'button', 'data-testid': 'add-line-button' }, 'Add line');
  const linesBody = h('tbody', {});
  const lines: Line[] = [];
  const total = h('span', { 'data-testid': 'order-estimate' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'submit-button' }, 'Place order');
  const success = h('div', { class: 'success', 'data-testid': 'success-message', role: 'status' });
  success.hidden = true;

  const renderLines = () => {
    replace(
      linesBody,
      ...lines.map((l, i) => {
        const p = bySku.get(l.sku);
        return h(
          'tr',
          { 'data-field': `items[${i}]` },
          h('td', {}, p?.name ?? l.sku, h('div', { class: 'muted small' }, l.sku)),
          h('td', { class: 'num' }, l.qty),
          h('td', { class: 'num' }, p ? money(p.price) : '—'),
          h(
            'td',
            {},
            h(
              'button',
              {
                type: 'button',
                class: 'link',
                'aria-label': `Remove ${l.sku}`,
                onclick: () => {
                  lines.splice(i, 1);
                  renderLines();
                },
              },
              'Remove',
            ),
            h('div', { class: 'field-error', 'data-field-error': `items[${i}]` }),
          ),
        );
      }),
    );
    // An estimate before VAT; the server computes the real totals.
    let cents = 0n;
    for (const l of lines) {
      const p = bySku.get(l.sku);
      if (p) cents += BigInt(p.price.replace('.', '')) * BigInt(l.qty);
    }
    const s = cents.toString().padStart(3, '0');
    total.textContent = lines.length ? `Estimate before VAT: ${money(s.slice(0, -2) + '.' + s.slice(-2))}` : '';
  };

  // The product and quantity in the inputs as a line, or null with the error shown.
  const pendingLine = (): Line | null => {
    const n = Number(qty.value);
    if (!product.value) return null;
    if (!Number.isInteger(n) || n < 1) {
      showErrors(form, new ApiError(422, 'invalid_quantity', 'Enter a whole number of at least 1.', ['qty']));
      return null;
    }
    return { sku: product.value, qty: n };
  };

  addLine.addEventListener('click', () => {
    clearErrors(form);
    if (!product.value) {
      showErrors(form, new ApiError(422, 'missing_product', 'Choose a product first.', ['sku']));
      return;
    }
    const l = pendingLine();
    if (!l) return;
    const same = lines.find((x) => x.sku === l.sku);
    if (same) same.qty += l.qty;
    else lines.push(l);
    product.value = '';
    qty.value = '1';
    renderLines();
  });

  let idempotencyKey = randomKey();
  const form = h(
    'form',
    { class: 'card order-form', novalidate: true },
    formError(),
    field('Customer', 'customer_id', customer),
    h(
      'div',
      { class: 'line-entry' },
      field('Product', 'sku', product),
      field('Quantity', 'qty', qty),
      addLine,
    ),
    h(
      'div',
      { class: 'field', 'data-field': 'items' },
      h('table', { class: 'lines' }, h('thead', {}, h('tr', {}, h('th', {}, 'Product'), h('th', { class: 'num' }, 'Qty'), h('th', { class: 'num' }, 'Price'), h('th', {}, ''))), linesBody),
      h('div', { class: 'field-error', 'data-field-error': 'items' }),
    ),
    h('div', { class: 'form-actions' }, total, writable ? submit : null),
  );

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!writable || submit.disabled) return;
    clearErrors(form);
    success.hidden = true;
    success.removeAttribute('data-invoice');
    // A product chosen but not yet added counts as a line.
    const items = lines.map((l) => ({ sku: l.sku, qty: l.qty }));
    const pending = items.length === 0;
    if (pending) {
      const l = pendingLine();
      if (l) items.push(l);
    }
    if (!customer.value) {
      showErrors(form, new ApiError(422, 'missing_customer', 'Choose a customer.', ['customer_id']));
      return;
    }
    if (items.length === 0) {
      showErrors(form, new ApiError(422, 'no_lines', 'Add at least one product.', ['items']));
      return;
    }
    submit.disabled = true;
    void (async () => {
      try {
        const order = await api<Order>(
          'POST',
          '/api/v1/orders',
          { customer_id: customer.value, items },
          { headers: { 'Idempotency-Key': idempotencyKey } },
        );
        idempotencyKey = randomKey();
        lines.length = 0;
        product.value = '';
        qty.value = '1';
        renderLines();
        const orderLink = h('a', { href: `/orders/${encodeURIComponent(order.id)}`, 'data-testid': 'order-number' }, order.number);
        const inv = h('span', { 'data-testid': 'invoice-number' }, 'being issued…');
        replace(success, 'Order ', orderLink, ` placed (${money(order.total_amount, order.currency)}). Invoice `, inv, '.');
        success.hidden = false;
        submit.disabled = false;
        const invoice = await invoiceFor(order.id).catch(() => null);
        if (invoice) {
          replace(inv, h('a', { href: `/invoices/${encodeURIComponent(invoice.id)}` }, invoice.number));
          success.setAttribute('data-invoice', invoice.number);
        } else {
          inv.textContent = 'not issued yet (see Invoices)';
        }
      } catch (e) {
        submit.disabled = false;
        // items[i] in the details is the submitted list: the rows of `lines`, or the product
        // and quantity inputs when the order was their single pending line.
        showErrors(form, pending && e instanceof ApiError ? pendingDetails(e) : e);
      }
    })();
  });

  append(root, success, form);
  renderLines();
}
