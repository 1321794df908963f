import { api, ApiError, can, get, Page as ListPage } from '../api';
import { Bar, columnChart } from '../charts';
import { append, Child, field, h, select } from '../dom';
import { busy, clearErrors, formError, showErrors } from '../forms';
import { money } from '../format';
import {
  addDays,
  ANIMAL_STATUSES,
  AnimalRef,
  AnimalSummary,
  animalLabel,
  animalLink,
  Breed,
  localDay,
  MilkRecord,
  mlToLitres,
  withdrawalBadge,
} from '../herd';
import { navigate, PageContext } from '../router';
import { badge, onSearch, pagedList, table, titleRow } from '../table';

const animalHref = (id: string) => `/herd/animals/${encodeURIComponent(id)}`;

// /herd: the herd by status, breed and ear-tag prefix, 50 at a time.
export async function herdPage({ root, query }: PageContext): Promise<void> {
  const breeds = await get<ListPage<Breed>>('/api/v1/herd/breeds?limit=200').catch(() => ({ items: [] as Breed[], next_cursor: null }));
  const status = select(
    { 'aria-label': 'Status', 'data-testid': 'herd-status-filter' },
    [['', 'All statuses'], ...ANIMAL_STATUSES.map((s): [string, string] => [s, s])],
    query.get('status') ?? '',
  );
  const breed = select(
    { 'aria-label': 'Breed', 'data-testid': 'herd-breed-filter' },
    [['', 'All breeds'], ...breeds.items.map((b): [string, string] => [b.id, `${b.name} (${b.code})`])],
    query.get('breed_id') ?? '',
  );
  const tag = h('input', {
    type: 'search',
    placeholder: 'Ear tag starts with',
    'aria-label': 'Ear tag starts with',
    'data-testid': 'herd-tag-filter',
    value: query.get('tag') ?? '',
  });
  const list = h('div', { 'data-testid': 'herd-list' });
  append(
    root,
    titleRow('Herd', can('herd.write') && ['/herd/animals/new', 'Register animal']),
    h('div', { class: 'filters' }, status, breed, tag),
    list,
  );
  const filters = () => {
    const q = new URLSearchParams();
    if (status.value) q.set('status', status.value);
    if (breed.value) q.set('breed_id', breed.value);
    if (tag.value.trim()) q.set('tag', tag.value.trim());
    return q;
  };
  const load = pagedList<AnimalSummary>(
    list,
    '/api/v1/herd/animals',
    filters,
    [
      { label: 'Ear tag', cell: (a) => h('a', { href: animalHref(a.id) }, a.ear_tag) },
      { label: 'Name', cell: (a) => a.name ?? '' },
      { label: 'Breed', cell: (a) => a.breed?.name ?? '—' },
      { label: 'Sex', cell: (a) => a.sex },
      { label: 'Age (months)', cell: (a) => a.age_months ?? '—', num: true },
      { label: 'Status', cell: (a) => badge(a.status) },
      { label: '', cell: (a) => (a.in_milk_withdrawal ? withdrawalBadge() : '') },
    ],
    'No animals match.',
  );
  const reload = () => {
    const q = filters().toString();
    history.replaceState(null, '', q ? `/herd?${q}` : '/herd');
    void load();
  };
  status.addEventListener('change', reload);
  breed.addEventListener('change', reload);
  onSearch(tag, reload);
  await load();
}

// The id of the animal with ear tag `tag` (for sire and dam), or an error naming `field`.
async function idOfTag(tag: string, fieldName: string): Promise<string> {
  try {
    return (await get<AnimalSummary>(`/api/v1/herd/animals/by-tag/${encodeURIComponent(tag)}`)).id;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      throw new ApiError(422, 'invalid_field', `No animal has ear tag ${tag}.`, [fieldName]);
    }
    throw e;
  }
}

// /herd/animals/new: registers an animal (herd.write).
export async function registerAnimalPage({ root }: PageContext): Promise<void> {
  append(root, h('p', {}, h('a', { href: '/herd' }, '← Herd')), h('h1', {}, 'Register animal'));
  if (!can('herd.write')) {
    append(root, h('p', { class: 'notice', 'data-testid': 'read-only-notice' }, 'Your role cannot register animals.'));
    return;
  }
  const breeds = await get<ListPage<Breed>>('/api/v1/herd/breeds?limit=200');
  const earTag = h('input', { type: 'text', required: true, maxlength: 20, autocomplete: 'off', 'data-testid': 'animal-ear-tag' });
  const name = h('input', { type: 'text', maxlength: 100 });
  const rfid = h('input', { type: 'text', maxlength: 64, autocomplete: 'off' });
  const breed = select({}, [['', '—'], ...breeds.items.map((b): [string, string] => [b.id, `${b.name} (${b.code})`])]);
  const sex = select({}, [['female', 'female'], ['male', 'male']]);
  const birth = h('input', { type: 'date' });
  const status = select({}, [['', 'from age and sex'], ...ANIMAL_STATUSES.slice(0, 6).map((s): [string, string] => [s, s])]);
  const sire = h('input', { type: 'text', autocomplete: 'off', placeholder: 'ear tag' });
  const dam = h('input', { type: 'text', autocomplete: 'off', placeholder: 'ear tag' });
  const acqKind = select({}, [['purchased', 'purchased'], ['born', 'born on the farm'], ['donated', 'donated']]);
  const acqDate = h('input', { type: 'date' });
  const acqCost = h('input', { type: 'text', inputmode: 'decimal' });
  const notes = h('textarea', { rows: 2, maxlength: 2000 });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'animal-submit' }, 'Register');
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    formError(),
    h('div', { class: 'row' }, field('Ear tag', 'ear_tag', earTag), field('Name', 'name', name), field('RFID', 'rfid', rfid)),
    h('div', { class: 'row' }, field('Breed', 'breed_id', breed), field('Sex', 'sex', sex), field('Birth date', 'birth_date', birth), field('Status', 'status', status)),
    h('div', { class: 'row' }, field('Sire (ear tag)', 'sire_id', sire), field('Dam (ear tag)', 'dam_id', dam)),
    h(
      'div',
      { class: 'row' },
      field('Acquired as', 'acquisition.kind', acqKind),
      field('Acquisition date', 'acquisition.date', acqDate),
      field('Acquisition cost', 'acquisition.cost', acqCost),
    ),
    field('Notes', 'notes', notes),
    submit,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    void busy(submit, async () => {
      try {
        const body: Record<string, unknown> = { ear_tag: earTag.value.trim(), sex: sex.value };
        const acquisition: Record<string, unknown> = { kind: acqKind.value };
        if (acqDate.value) acquisition.date = acqDate.value;
        if (acqCost.value.trim()) acquisition.cost = acqCost.value.trim();
        body.acquisition = acquisition;
        if (name.value.trim()) body.name = name.value.trim();
        if (rfid.value.trim()) body.rfid = rfid.value.trim();
        if (breed.value) body.breed_id = breed.value;
        if (birth.value) body.birth_date = birth.value;
        if (status.value) body.status = status.value;
        if (notes.value.trim()) body.notes = notes.value.trim();
        if (sire.value.trim()) body.sire_id = await idOfTag(sire.value.trim(), 'sire_id');
        if (dam.value.trim()) body.dam_id = await idOfTag(dam.value.trim(), 'dam_id');
        const made = await api<AnimalSummary>('POST', '/api/v1/herd/animals', body);
        navigate(animalHref(made.id), true);
      } catch (e) {
        showErrors(form, e);
      }
    });
  });
  append(root, form);
}

type Rec = Record<string, unknown>;
interface Pedigree {
  sire: AnimalRef | null;
  dam: AnimalRef | null;
  sire_sire: AnimalRef | null;
  sire_dam: AnimalRef | null;
  dam_sire: AnimalRef | null;
  dam_dam: AnimalRef | null;
}
interface AnimalDetail extends AnimalSummary {
  pedigree?: Partial<Pedigree>;
  acquisition?: { kind: string; date: string | null; cost: string | null } | null;
  disposal?: { kind: string; date: string; note: string | null } | null;
  last_calving_date?: string | null;
  latest_milk?: MilkRecord[];
  milk_by_day?: Array<{ day: string; quantity_ml: number }>;
  health?: Rec[];
  breeding?: Rec[];
  calvings?: Rec[];
  offspring?: Array<AnimalRef & { sex: string }>;
  withdrawal?: { milk_until: string | null; meat_until: string | null } | null;
  notes?: string | null;
}

const text = (v: unknown): string => (v === null || v === undefined || v === '' ? '—' : String(v));

function facts(pairs: Array<[string, Child]>): HTMLElement {
  const dl = h('dl', { class: 'facts' });
  for (const [k, v] of pairs) append(dl, h('dt', {}, k), h('dd', {}, v));
  return dl;
}

// One box of the pedigree tree: a link to the animal, or "unknown".
function pedigreeNode(role: string, a: AnimalRef | null | undefined): HTMLElement {
  return h('div', { class: `ped-node${a ? '' : ' unknown'}`, 'data-testid': `pedigree-${role.replace(/ /g, '_')}` }, h('span', { class: 'muted small' }, role), animalLink(a));
}

function pedigreeTree(p: Partial<Pedigree>): HTMLElement {
  return h(
    'div',
    { class: 'pedigree', role: 'group', 'aria-label': 'Pedigree' },
    h('div', { class: 'ped-col' }, pedigreeNode('sire', p.sire), pedigreeNode('dam', p.dam)),
    h(
      'div',
      { class: 'ped-col' },
      pedigreeNode('sire sire', p.sire_sire),
      pedigreeNode('sire dam', p.sire_dam),
      pedigreeNode('dam sire', p.dam_sire),
      pedigreeNode('dam dam', p.dam_dam),
    ),
  );
}

// The last 90 days of milk, one bar per day (days without a record are zero).
function lactationChart(byDay: Array<{ day: string; quantity_ml: number }>, today: string, calving: string | null | undefined): HTMLElement {
  if (byDay.length === 0) return h('p', { class: 'muted' }, 'No milk recorded in the last 90 days.');
  const ml = new Map(byDay.map((d) => [d.day, d.quantity_ml]));
  let end = today;
  for (const d of ml.keys()) if (d > end) end = d;
  const bars: Bar[] = [];
  for (let i = 89; i >= 0; --i) {
    const day = addDays(end, -i);
    const v = ml.get(day) ?? 0;
    bars.push({
      label: day.slice(5),
      value: v / 1000,
      title: `${day}: ${mlToLitres(v)} L${calving === day ? ' (calving)' : ''}`,
      className: calving === day ? 'low' : '',
    });
  }
  const total = byDay.reduce((s, d) => s + d.quantity_ml, 0);
  return h(
    'div',
    { class: 'chart-box', 'data-testid': 'lactation-chart', 'data-total-ml': total },
    columnChart(bars, { labelEvery: 15, ariaLabel: 'Milk per day over the last 90 days, litres' }),
    h('p', { class: 'muted small' }, `${mlToLitres(total)} L in 90 days${calving ? `; lactation since ${calving}` : ''}`),
  );
}

// A table of records whose exact shape belongs to other parts of the API: the named fields,
// shown as text, with "—" for the missing.
function recordTable(rows: Rec[], cols: Array<[string, (r: Rec) => Child]>, empty: string, testid: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'muted', 'data-testid': testid }, empty);
  const t = table<Rec>(cols.map(([label, cell]) => ({ label, cell })), rows);
  t.setAttribute('data-testid', testid);
  return t;
}

function checksText(r: Rec): string {
  const checks = Array.isArray(r.checks) ? (r.checks as Rec[]) : [];
  if (checks.length === 0) return r.check_due ? `due ${String(r.check_due)}` : '—';
  return checks.map((c) => `${text(c.day)} ${text(c.result)}`).join('; ');
}

// /herd/animals/{id}
export async function animalPage({ root, params }: PageContext): Promise<void> {
  const a = await get<AnimalDetail>(`/api/v1/herd/animals/${encodeURIComponent(params.id)}`);
  const today = localDay();
  const w = a.withdrawal ?? null;
  const withdrawal: Child[] = [];
  // milk_until / meat_until: the first day the product is no longer withheld.
  if (w?.milk_until) withdrawal.push(withdrawalBadge(`milk withheld, free from ${w.milk_until}`));
  if (w?.meat_until) withdrawal.push(withdrawalBadge(`meat withheld, free from ${w.meat_until}`));
  if (withdrawal.length === 0 && a.in_milk_withdrawal) withdrawal.push(withdrawalBadge());
  const latest = a.latest_milk ?? [];
  append(
    root,
    h('p', {}, h('a', { href: '/herd' }, '← Herd')),
    h('div', { class: 'title-row' }, h('h1', { 'data-testid': 'animal-title' }, animalLabel(a)), h('div', { class: 'badges' }, badge(a.status), ...withdrawal)),
    h(
      'section',
      { class: 'detail-grid' },
      h(
        'div',
        { class: 'card' },
        h('h2', {}, 'Summary'),
        facts([
          ['Ear tag', a.ear_tag],
          ['RFID', text(a.rfid)],
          ['Breed', a.breed ? `${a.breed.name} (${a.breed.code})` : '—'],
          ['Sex', a.sex],
          ['Born', a.birth_date ? `${a.birth_date}${a.age_months !== null ? ` (${a.age_months} months)` : ''}` : '—'],
          ['Acquired', a.acquisition ? [a.acquisition.kind, a.acquisition.date, a.acquisition.cost && money(a.acquisition.cost)].filter(Boolean).join(', ') : '—'],
          ['Last calving', text(a.last_calving_date)],
          ...(a.disposal ? ([['Disposed', `${a.disposal.kind} on ${a.disposal.date}${a.disposal.note ? ': ' + a.disposal.note : ''}`]] as Array<[string, Child]>) : []),
          ['Notes', text(a.notes)],
        ]),
      ),
      h('div', { class: 'card' }, h('h2', {}, 'Pedigree'), pedigreeTree(a.pedigree ?? {})),
    ),
    h('div', { class: 'card' }, h('h2', {}, 'Lactation: litres per day'), lactationChart(a.milk_by_day ?? [], today, a.last_calving_date)),
    h('h2', {}, 'Latest milk'),
    latest.length
      ? table<MilkRecord>(
          [
            { label: 'Day', cell: (m) => m.day },
            { label: 'Session', cell: (m) => m.session },
            { label: 'Litres', cell: (m) => mlToLitres(m.quantity_ml), num: true },
            { label: 'Fat %', cell: (m) => text(m.fat), num: true },
            { label: 'SNF %', cell: (m) => text(m.snf), num: true },
            { label: 'Grade', cell: (m) => m.grade },
            { label: '', cell: (m) => (m.withheld ? withdrawalBadge('withheld') : '') },
          ],
          latest,
          (m) => ({ 'data-testid': 'latest-milk-row', 'data-quantity-ml': String(m.quantity_ml) }),
        )
      : h('p', { class: 'muted', 'data-testid': 'latest-milk-empty' }, 'No milk recorded.'),
    h('h2', {}, 'Health'),
    recordTable(
      a.health ?? [],
      [
        ['Day', (r) => text(r.day)],
        ['Kind', (r) => text(r.kind)],
        ['What', (r) => [r.diagnosis, r.description, r.medication].filter(Boolean).join(' — ') || '—'],
        // The withdrawal ends are the first days the product may be sold again.
        ['Milk free from', (r) => text(r.milk_withdrawal_end)],
        ['Meat free from', (r) => text(r.meat_withdrawal_end)],
        ['Status', (r) => (r.status ? badge(String(r.status)) : '—')],
      ],
      'No health records.',
      'health-history',
    ),
    h('h2', {}, 'Breeding'),
    recordTable(
      a.breeding ?? [],
      [
        ['Served', (r) => text(r.day)],
        ['Method', (r) => text(r.method)],
        [
          'Sire or semen',
          (r) =>
            r.sire && typeof r.sire === 'object'
              ? animalLink(r.sire as AnimalRef)
              : r.sire_id
                ? h('a', { href: animalHref(String(r.sire_id)) }, r.semen_batch ? String(r.semen_batch) : 'sire')
                : text(r.semen_batch),
        ],
        ['Checks', checksText],
        ['Expected calving', (r) => text(r.expected_calving)],
        ['Pregnancy', (r) => (r.pregnancy_status ? badge(String(r.pregnancy_status)) : '—')],
      ],
      'No services recorded.',
      'breeding-history',
    ),
    h('h2', {}, 'Calvings'),
    recordTable(
      a.calvings ?? [],
      [
        ['Day', (r) => text(r.day)],
        ['Difficulty', (r) => text(r.difficulty)],
        ['Calf', (r) => (r.calf && typeof r.calf === 'object' ? animalLink(r.calf as AnimalRef) : r.calf_id ? animalLink({ id: String(r.calf_id), ear_tag: text(r.calf_ear_tag), name: null }) : 'stillborn')],
      ],
      'No calvings recorded.',
      'calving-history',
    ),
    h('h2', {}, 'Offspring'),
    (a.offspring ?? []).length
      ? h('ul', { class: 'offspring', 'data-testid': 'offspring' }, ...(a.offspring ?? []).map((o) => h('li', {}, animalLink(o), ` ${o.sex}`)))
      : h('p', { class: 'muted' }, 'No offspring recorded.'),
  );
}
