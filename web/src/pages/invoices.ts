import { api, can, get } from '../api';
import { append, field, h, replace, select } from '../dom';
import { busy, clearErrors, formError, showErrors } from '../forms';
import { dateTime, money } from '../format';
import { PageContext } from '../router';
import { badge, pagedList, table } from '../table';
import { Invoice } from './order_new';

interface InvoiceDetail extends Invoice {
  subtotal: string;
  vat_total: string;
  notes: string | null;
  credit_note_number: string | null;
  lines: Array<{ sku: string | null; description: string; qty: number; unit: string; unit_price: string; vat: string; total: string }>;
  payments: Array<{ id: string; amount: string; method: string; reference: string | null; received_at: string; recorded_by: string }>;
}

export async function invoicesPage({ root }: PageContext): Promise<void> {
  const status = select({ 'aria-label': 'Status' }, [
    ['', 'All statuses'],
    ['issued', 'issued'],
    ['partially_paid', 'partially paid'],
    ['paid', 'paid'],
    ['void', 'void'],
  ]);
  const overdue = h('input', { type: 'checkbox' });
  const list = h('div', {});
  append(
    root,
    h('h1', {}, 'Invoices'),
    h('div', { class: 'filters' }, status, h('label', { class: 'check' }, overdue, ' Overdue only')),
    list,
  );
  const load = pagedList<Invoice>(
    list,
    '/api/v1/invoices',
    () => {
      const q = new URLSearchParams();
      if (status.value) q.set('status', status.value);
      if (overdue.checked) q.set('overdue', 'true');
      return q;
    },
    [
      { label: 'Number', cell: (i) => h('a', { href: `/invoices/${encodeURIComponent(i.id)}` }, i.number) },
      { label: 'Order', cell: (i) => i.order_number ?? '—' },
      { label: 'Customer', cell: (i) => i.customer_name },
      { label: 'Status', cell: (i) => badge(i.status.replace('_', ' '), i.status) },
      { label: 'Total', cell: (i) => money(i.total), num: true },
      { label: 'Due', cell: (i) => money(i.amount_due), num: true },
      { label: 'Due date', cell: (i) => i.due_date },
    ],
    'No invoices.',
  );
  status.addEventListener('change', () => void load());
  overdue.addEventListener('change', () => void load());
  await load();
}

export async function invoiceDetailPage({ root, params }: PageContext): Promise<void> {
  const body = h('div', {});
  append(root, h('p', {}, h('a', { href: '/invoices' }, '← Invoices')), body);
  const id = encodeURIComponent(params.id);
  const render = async () => {
    const inv = await get<InvoiceDetail>(`/api/v1/invoices/${id}`);
    let payForm: HTMLElement | null = null;
    if (can('payments.write') && inv.status !== 'void' && inv.amount_due !== '0.00') {
      const amount = h('input', { type: 'text', inputmode: 'decimal', value: inv.amount_due, 'data-testid': 'payment-amount' });
      const method = select({}, [
        ['cash', 'cash'],
        ['bank', 'bank'],
        ['bkash', 'bKash'],
        ['card', 'card'],
      ]);
      const reference = h('input', { type: 'text', maxlength: 100 });
      const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'payment-submit' }, 'Record payment');
      payForm = h(
        'form',
        { class: 'card inline-form', novalidate: true },
        h('h2', {}, 'Record a payment'),
        formError(),
        h('div', { class: 'row' }, field('Amount', 'amount', amount), field('Method', 'method', method), field('Reference', 'reference', reference)),
        submit,
      );
      const form = payForm;
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        clearErrors(form);
        void busy(submit, async () => {
          try {
            const b: Record<string, string> = { amount: amount.value.trim(), method: method.value };
            if (reference.value.trim()) b.reference = reference.value.trim();
            await api('POST', `/api/v1/invoices/${id}/payments`, b);
            await render();
          } catch (e) {
            showErrors(form, e);
          }
        });
      });
    }
    replace(
      body,
      h('div', { class: 'title-row' }, h('h1', {}, `Invoice ${inv.number}`), badge(inv.status.replace('_', ' '), inv.status)),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Customer'),
        h('dd', {}, inv.customer_name),
        h('dt', {}, 'Order'),
        h('dd', {}, inv.order_id ? h('a', { href: `/orders/${encodeURIComponent(inv.order_id)}` }, inv.order_number ?? inv.order_id) : '—'),
        h('dt', {}, 'Issued'),
        h('dd', {}, inv.issue_date),
        h('dt', {}, 'Due'),
        h('dd', {}, inv.due_date),
        h('dt', {}, 'Total'),
        h('dd', { class: 'strong' }, money(inv.total, inv.currency)),
        h('dt', {}, 'Paid'),
        h('dd', {}, money(inv.amount_paid, inv.currency)),
        h('dt', {}, 'Amount due'),
        h('dd', { class: 'strong', 'data-testid': 'amount-due' }, money(inv.amount_due, inv.currency)),
        inv.credit_note_number && h('dt', {}, 'Credit note'),
        inv.credit_note_number && h('dd', {}, inv.credit_note_number),
      ),
      h('p', {}, h('a', { href: `/api/v1/invoices/${id}/pdf`, target: '_blank', rel: 'noopener', class: 'button' }, 'Open PDF')),
      payForm,
      h('h2', {}, 'Lines'),
      table(
        [
          { label: 'Description', cell: (l) => l.description },
          { label: 'Qty', cell: (l) => `${l.qty} ${l.unit}`, num: true },
          { label: 'Unit price', cell: (l) => money(l.unit_price), num: true },
          { label: 'VAT', cell: (l) => money(l.vat), num: true },
          { label: 'Total', cell: (l) => money(l.total), num: true },
        ],
        inv.lines ?? [],
      ),
      h('h2', {}, 'Payments'),
      inv.payments?.length
        ? table(
            [
              { label: 'Received', cell: (p) => dateTime(p.received_at) },
              { label: 'Method', cell: (p) => p.method },
              { label: 'Reference', cell: (p) => p.reference ?? '' },
              { label: 'Amount', cell: (p) => money(p.amount), num: true },
              { label: 'By', cell: (p) => p.recorded_by },
            ],
            inv.payments,
          )
        : h('p', { class: 'muted' }, 'No payments yet.'),
    );
  };
  await render();
}
