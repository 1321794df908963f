import { api, can, get } from '../api';
import { append, field, h, select } from '../dom';
import { busy, clearErrors, formError, showErrors } from '../forms';
import { money } from '../format';
import { navigate, PageContext } from '../router';
import { badge, onSearch, pagedList, titleRow } from '../table';
import { Customer } from './order_new';

export async function customersPage({ root }: PageContext): Promise<void> {
  const q = h('input', { type: 'search', placeholder: 'Search name or email', 'aria-label': 'Search' });
  const list = h('div', {});
  append(
    root,
    titleRow('Customers', can('customers.write') && ['/customers/new', 'New customer']),
    h('div', { class: 'filters' }, q),
    list,
  );
  const load = pagedList<Customer>(
    list,
    '/api/v1/customers',
    () => new URLSearchParams(q.value.trim() ? { q: q.value.trim() } : {}),
    [
      { label: 'Name', cell: (c) => h('a', { href: `/customers/${encodeURIComponent(c.id)}` }, c.name) },
      { label: 'Email', cell: (c) => c.email },
      { label: 'Phone', cell: (c) => c.phone ?? '' },
      { label: 'Kind', cell: (c) => badge(c.kind) },
      { label: 'Terms (days)', cell: (c) => c.payment_terms_days, num: true },
      { label: 'Credit limit', cell: (c) => (c.credit_limit ? money(c.credit_limit) : '—'), num: true },
    ],
    'No customers match.',
  );
  onSearch(q, () => void load());
  await load();
}

// /customers/new creates, /customers/{id} edits (PATCH; null clears phone and credit limit).
export async function customerEditPage({ root, params }: PageContext): Promise<void> {
  const creating = params.id === 'new';
  const c: Partial<Customer> = creating ? { kind: 'b2b', payment_terms_days: 30 } : await get<Customer>(`/api/v1/customers/${encodeURIComponent(params.id)}`);
  const writable = can('customers.write');
  const credit = can('customers.credit');
  const name = h('input', { type: 'text', required: true, maxlength: 200, value: c.name ?? '' });
  const email = h('input', { type: 'email', required: true, value: c.email ?? '' });
  const phone = h('input', { type: 'tel', value: c.phone ?? '' });
  const kind = select({}, [['b2b', 'Business (B2B)'], ['b2c', 'Consumer (B2C)']], c.kind);
  const terms = h('input', { type: 'number', min: 0, step: 1, value: String(c.payment_terms_days ?? 30) });
  const limit = h('input', { type: 'text', inputmode: 'decimal', value: c.credit_limit ?? '', placeholder: 'none' });
  const submit = h('button', { type: 'submit', class: 'primary' }, creating ? 'Create customer' : 'Save');
  const ok = h('p', { class: 'success', role: 'status' });
  ok.hidden = true;
  for (const el of [name, email, phone, kind, terms, limit]) el.disabled = !writable;
  terms.disabled = limit.disabled = !writable || !credit;
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    formError(),
    field('Name', 'name', name),
    field('Email', 'email', email),
    field('Phone', 'phone', phone),
    field('Kind', 'kind', kind),
    field('Payment terms (days)', 'payment_terms_days', terms),
    field('Credit limit', 'credit_limit', limit),
    !credit && h('p', { class: 'muted small' }, 'Terms and credit limit are set by a manager or accountant.'),
    writable && submit,
    ok,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    ok.hidden = true;
    void busy(submit, async () => {
      const body: Record<string, unknown> = { name: name.value.trim(), email: email.value.trim(), kind: kind.value };
      if (phone.value.trim()) body.phone = phone.value.trim();
      else if (!creating) body.phone = null;
      if (credit) {
        body.payment_terms_days = Number(terms.value);
        if (limit.value.trim()) body.credit_limit = limit.value.trim();
        else if (!creating) body.credit_limit = null;
      }
      try {
        if (creating) {
          const made = await api<Customer>('POST', '/api/v1/customers', body);
          navigate(`/customers/${encodeURIComponent(made.id)}`, true);
        } else {
          await api<Customer>('PATCH', `/api/v1/customers/${encodeURIComponent(params.id)}`, body);
          ok.textContent = 'Saved.';
          ok.hidden = false;
        }
      } catch (e) {
        showErrors(form, e);
      }
    });
  });
  append(root, h('p', {}, h('a', { href: '/customers' }, '← Customers')), h('h1', {}, creating ? 'New customer' : c.name ?? ''), form);
}
