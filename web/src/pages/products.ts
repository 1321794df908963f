import { api, can, get } from '../api';
import { append, field, h, select } from '../dom';
import { busy, clearErrors, formError, showErrors } from '../forms';
import { money } from '../format';
import { navigate, PageContext } from '../router';
import { badge, onSearch, pagedList, titleRow } from '../table';
import { Product } from './order_new';

export async function productsPage({ root }: PageContext): Promise<void> {
  const q = h('input', { type: 'search', placeholder: 'Search SKU or name', 'aria-label': 'Search' });
  const list = h('div', {});
  append(
    root,
    titleRow('Products', can('products.write') && ['/products/new', 'New product']),
    h('div', { class: 'filters' }, q),
    list,
  );
  const load = pagedList<Product>(
    list,
    '/api/v1/products',
    () => new URLSearchParams(q.value.trim() ? { q: q.value.trim() } : {}),
    [
      { label: 'SKU', cell: (x) => h('a', { href: `/products/${encodeURIComponent(x.sku)}` }, x.sku) },
      { label: 'Name', cell: (x) => x.name },
      { label: 'Unit', cell: (x) => x.unit },
      { label: 'Price', cell: (x) => money(x.price), num: true },
      { label: 'VAT %', cell: (x) => x.vat_rate, num: true },
      { label: '', cell: (x) => (x.active ? '' : badge('inactive')) },
    ],
    'No products match.',
  );
  onSearch(q, () => void load());
  await load();
}

// /products/new creates, /products/{sku} edits; the SKU never changes.
export async function productEditPage({ root, params }: PageContext): Promise<void> {
  const creating = params.sku === 'new';
  const p: Partial<Product> = creating ? { unit: 'piece', vat_rate: '15.00', active: true } : await get<Product>(`/api/v1/products/${encodeURIComponent(params.sku)}`);
  const writable = can('products.write');
  const cost = can('products.cost');
  const sku = h('input', { type: 'text', required: true, maxlength: 64, value: p.sku ?? '' });
  sku.disabled = !creating;
  const name = h('input', { type: 'text', required: true, maxlength: 200, value: p.name ?? '' });
  const price = h('input', { type: 'text', inputmode: 'decimal', required: true, value: p.price ?? '' });
  const unit = select({}, [['piece', 'piece'], ['litre', 'litre'], ['kg', 'kg']], p.unit);
  const vat = h('input', { type: 'text', inputmode: 'decimal', value: p.vat_rate ?? '15.00' });
  const unitCost = h('input', { type: 'text', inputmode: 'decimal', value: p.unit_cost ?? '' });
  const description = h('textarea', { rows: 3, maxlength: 2000 });
  description.value = p.description ?? '';
  const active = h('input', { type: 'checkbox' });
  active.checked = p.active ?? true;
  for (const el of [name, price, unit, vat, unitCost, description, active]) el.disabled = !writable;
  const submit = h('button', { type: 'submit', class: 'primary' }, creating ? 'Create product' : 'Save');
  const ok = h('p', { class: 'success', role: 'status' });
  ok.hidden = true;
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    formError(),
    field('SKU', 'sku', sku),
    field('Name', 'name', name),
    field('Price (before VAT)', 'price', price),
    field('Unit', 'unit', unit),
    field('VAT rate (%)', 'vat_rate', vat),
    cost && field('Unit cost', 'unit_cost', unitCost),
    field('Description', 'description', description),
    h('div', { class: 'field', 'data-field': 'active' }, h('label', { class: 'check' }, active, ' Active (can be ordered)'), h('div', { class: 'field-error', 'data-field-error': 'active' })),
    writable && submit,
    ok,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    ok.hidden = true;
    void busy(submit, async () => {
      const body: Record<string, unknown> = {
        name: name.value.trim(),
        price: price.value.trim(),
        unit: unit.value,
        vat_rate: vat.value.trim(),
        active: active.checked,
      };
      if (description.value.trim()) body.description = description.value.trim();
      if (cost && unitCost.value.trim()) body.unit_cost = unitCost.value.trim();
      try {
        if (creating) {
          body.sku = sku.value.trim();
          const made = await api<Product>('POST', '/api/v1/products', body);
          navigate(`/products/${encodeURIComponent(made.sku)}`, true);
        } else {
          await api<Product>('PATCH', `/api/v1/products/${encodeURIComponent(params.sku)}`, body);
          ok.textContent = 'Saved.';
          ok.hidden = false;
        }
      } catch (e) {
        showErrors(form, e);
      }
    });
  });
  append(root, h('p', {}, h('a', { href: '/products' }, '← Products')), h('h1', {}, creating ? 'New product' : `${p.name} (${p.sku})`), form);
}
