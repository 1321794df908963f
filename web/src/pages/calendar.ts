import { get } from '../api';
import { append, Child, field, h, replace } from '../dom';
import { showErrors, formError } from '../forms';
import { addDays, AnimalRef, animalLink, loadSettings, localDay } from '../herd';
import { PageContext } from '../router';
import { table } from '../table';

interface Due {
  animal: AnimalRef;
  service_id: string | null;
  day: string;
  // Checks due before today (listed whatever the range).
  overdue?: boolean;
  // Calvings: the expected day's window (± calving_window_days), when the API sends it.
  window?: { from: string; to: string } | null;
  calving_window?: { from: string; to: string } | null;
}

interface Calendar {
  checks_due: Due[];
  calvings_due: Due[];
  dry_offs_due: Due[];
}

// /herd/calendar: pregnancy checks, calvings and dry-offs due between two days (default the
// next 30 days); overdue checks (the API lists them whatever the range) are highlighted.
export async function calendarPage({ root, query }: PageContext): Promise<void> {
  const today = localDay();
  const from = h('input', { type: 'date', value: query.get('from') ?? today, 'data-testid': 'calendar-from' });
  const to = h('input', { type: 'date', value: query.get('to') ?? addDays(today, 30), 'data-testid': 'calendar-to' });
  const body = h('div', { 'data-testid': 'calendar' });
  const form = h('form', { class: 'filters', novalidate: true }, field('From', 'from', from), field('To', 'to', to), h('button', { type: 'submit' }, 'Show'));
  const errors = h('div', {}, formError());
  append(root, h('h1', {}, 'Breeding calendar'), form, errors, body);
  const windowDays = await loadSettings()
    .then((s) => s.calving_window_days ?? null)
    .catch(() => null);

  const section = (title: string, testid: string, items: Due[], cols: Array<[string, (d: Due) => Child]>, empty: string): HTMLElement =>
    h(
      'section',
      { class: 'card', 'data-testid': testid },
      h('h2', {}, `${title} (${items.length})`),
      items.length
        ? table<Due>(
            cols.map(([label, cell]) => ({ label, cell })),
            items,
            (d) => ({ class: late(d) ? 'overdue' : '', 'data-day': d.day, 'data-tag': d.animal?.ear_tag ?? '' }),
          )
        : h('p', { class: 'muted' }, empty),
    );
  const late = (d: Due): boolean => d.overdue ?? d.day < today;
  const whenCell = (d: Due): Child => (late(d) ? h('span', { class: 'strong' }, `${d.day} (overdue)`) : d.day);
  const windowOf = (d: Due): string => {
    const w = d.window ?? d.calving_window;
    if (w) return `${w.from} – ${w.to}`;
    return windowDays !== null ? `± ${windowDays} days (${addDays(d.day, -windowDays)} – ${addDays(d.day, windowDays)})` : '—';
  };

  const load = async () => {
    const q = new URLSearchParams({ from: from.value, to: to.value });
    history.replaceState(null, '', `/herd/calendar?${q}`);
    try {
      const c = await get<Calendar>(`/api/v1/herd/breeding/calendar?${q}`);
      replace(
        body,
        section('Pregnancy checks due', 'checks-due', c.checks_due ?? [], [['Due', whenCell], ['Animal', (d) => animalLink(d.animal)]], 'No pregnancy checks due.'),
        section(
          'Calvings due',
          'calvings-due',
          c.calvings_due ?? [],
          [
            ['Expected', whenCell],
            ['Window', windowOf],
            ['Animal', (d) => animalLink(d.animal)],
          ],
          'No calvings due.',
        ),
        section('Dry-offs due', 'dry-offs-due', c.dry_offs_due ?? [], [['Dry off by', whenCell], ['Animal', (d) => animalLink(d.animal)]], 'No cows to dry off.'),
      );
    } catch (e) {
      replace(body);
      showErrors(errors, e);
    }
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void load();
  });
  await load();
}
