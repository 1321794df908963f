import { api, ApiError, can, getAll } from '../api';
import { append, field, h, replace, select } from '../dom';
import { busy, formError, showErrors, clearErrors } from '../forms';
import { PageContext } from '../router';
import { badge, table } from '../table';
import { Product } from './order_new';

interface Level {
  sku: string;
  on_hand: number;
  reserved: number;
  available: number;
  reorder_point: number;
  below_reorder: boolean;
}

const REASONS: Array<[string, string]> = [
  ['receipt', 'Receipt (+)'],
  ['production', 'Production (+)'],
  ['return', 'Return (+)'],
  ['damage', 'Damage (−)'],
  ['count', 'Stock count (±)'],
];

export async function inventoryPage({ root }: PageContext): Promise<void> {
  const onlyLow = h('input', { type: 'checkbox', 'data-testid': 'below-reorder-filter' });
  const list = h('div', {});
  const products = await getAll<Product>('/api/v1/products?limit=200');
  const names = new Map(products.map((p) => [p.sku, p]));
  let levels: Level[] = [];

  const renderList = () => {
    const rows = onlyLow.checked ? levels.filter((l) => l.below_reorder) : levels;
    replace(
      list,
      rows.length
        ? table<Level>(
            [
              { label: 'SKU', cell: (l) => l.sku },
              { label: 'Product', cell: (l) => names.get(l.sku)?.name ?? '' },
              { label: 'On hand', cell: (l) => l.on_hand, num: true },
              { label: 'Reserved', cell: (l) => l.reserved, num: true },
              { label: 'Available', cell: (l) => l.available, num: true },
              { label: 'Reorder at', cell: (l) => l.reorder_point, num: true },
              { label: '', cell: (l) => (l.below_reorder ? badge('below reorder', 'low') : '') },
            ],
            rows,
            (l) => ({ class: l.below_reorder ? 'low' : '', 'data-sku': l.sku }),
          )
        : h('p', { class: 'muted' }, onlyLow.checked ? 'Nothing is below its reorder point.' : 'No stock is tracked yet.'),
    );
  };
  const load = async () => {
    levels = await getAll<Level>('/api/v1/inventory?limit=200');
    renderList();
  };
  onlyLow.addEventListener('change', renderList);

  append(
    root,
    h('h1', {}, 'Inventory'),
    h('label', { class: 'check' }, onlyLow, ' Only products below their reorder point'),
  );

  if (can('inventory.write')) {
    const sku = select({ required: true }, [['', 'Choose a product…'], ...products.map((p): [string, string] => [p.sku, `${p.name} (${p.sku})`])]);
    const qty = h('input', { type: 'number', step: 1, required: true, inputmode: 'numeric' });
    const reason = select({}, REASONS);
    const note = h('input', { type: 'text', maxlength: 200 });
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Record adjustment');
    const ok = h('p', { class: 'success', role: 'status' });
    ok.hidden = true;
    const form = h(
      'form',
      { class: 'card inline-form', novalidate: true },
      h('h2', {}, 'Adjust stock'),
      formError(),
      h('div', { class: 'row' }, field('Product', 'sku', sku), field('Quantity (signed)', 'qty', qty), field('Reason', 'reason', reason), field('Note', 'note', note)),
      submit,
      ok,
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      clearErrors(form);
      ok.hidden = true;
      void busy(submit, async () => {
        try {
          if (!sku.value) throw new ApiError(422, 'missing_product', 'Choose a product.', ['sku']);
          const body: Record<string, unknown> = { qty: Number(qty.value), reason: reason.value };
          if (note.value.trim()) body.note = note.value.trim();
          const lvl = await api<Level>('POST', `/api/v1/inventory/${encodeURIComponent(sku.value)}/adjustments`, body);
          ok.textContent = `${lvl.sku}: ${lvl.on_hand} on hand, ${lvl.available} available.`;
          ok.hidden = false;
          qty.value = '';
          note.value = '';
          await load();
        } catch (e) {
          showErrors(form, e);
        }
      });
    });
    append(root, form);
  }
  append(root, list);
  await load();
}
