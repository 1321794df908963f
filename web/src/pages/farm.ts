import { ApiError, get } from '../api';
import { Bar, barList, columnChart } from '../charts';
import { h, replace } from '../dom';
import { count, num } from '../format';
import { AnimalRef, animalLink } from '../herd';
import { Envelope } from '../stream';

// GET /api/v1/herd/kpis, and the data of every farm.snapshot event on the stream.
export interface FarmKpis {
  today: string;
  seq?: number;
  lactating: number;
  litres_today: string;
  litres_yesterday: string;
  // The animals concerned (a count in older servers).
  in_withdrawal: Array<AnimalRef & { milk_withdrawal_end: string | null }> | number;
  checks_due: Array<{ service_id: string; day: string; animal: AnimalRef }> | number;
  calvings_due_30d: Array<{ service_id: string; day: string; animal: AnimalRef }> | number;
  trend_30d?: Array<{ day: string; litres: string }>;
  top_yielders?: Array<{ id: string; ear_tag: string; name: string | null; litres: string }>;
}

const TILES: Array<{ key: keyof FarmKpis; label: string; litres?: boolean; alert?: boolean }> = [
  { key: 'litres_today', label: 'Milk today (litres)', litres: true },
  { key: 'lactating', label: 'Lactating cows' },
  { key: 'in_withdrawal', label: 'In withdrawal', alert: true },
  { key: 'calvings_due_30d', label: 'Calvings due in 30 days' },
];

export interface FarmSection {
  el: HTMLElement;
  load(): Promise<void>;
  // A farm.snapshot stream message.
  snapshot(env: Envelope): void;
}

// The farm's tiles, its milk over 30 days and the top yielders, for roles with farm.kpis.
export function farmSection(): FarmSection {
  let shown: FarmKpis | null = null;
  const values = new Map<string, HTMLElement>();
  const tiles = h(
    'section',
    { class: 'tiles' },
    ...TILES.map((t) => {
      const v = h('div', { class: 'value' }, '—');
      values.set(t.key, v);
      return h('div', { class: 'tile', 'data-testid': `farm-kpi-${t.key}` }, h('div', { class: 'label' }, t.label), v);
    }),
  );
  const note = h('p', { class: 'notice' });
  note.hidden = true;
  const trend = h('div', { class: 'chart-box', 'data-testid': 'chart-farm-milk' });
  const held = h('div', { 'data-testid': 'farm-withdrawals' });
  const calvings = h('div', { 'data-testid': 'farm-calvings' });
  const top = h('div', { class: 'chart-box', 'data-testid': 'chart-top-yielders' });
  const el = h(
    'div',
    { class: 'farm', 'data-testid': 'farm-dashboard' },
    h('h2', {}, 'Farm'),
    note,
    tiles,
    h(
      'section',
      { class: 'charts' },
      h('div', { class: 'card' }, h('h2', {}, 'Milk per day, last 30 days (litres)'), trend),
      h('div', { class: 'card' }, h('h2', {}, 'Top yielders (litres a day over 7 days)'), top),
      h('div', { class: 'card' }, h('h2', {}, 'In milk withdrawal'), held),
      h('div', { class: 'card' }, h('h2', {}, 'Calvings due in 30 days'), calvings),
    ),
  );

  const show = (k: FarmKpis) => {
    if (shown && typeof k.seq === 'number' && typeof shown.seq === 'number' && k.seq < shown.seq) return;
    shown = k;
    note.hidden = true;
    for (const t of TILES) {
      const field = k[t.key] as string | number | unknown[] | undefined;
      const raw = Array.isArray(field) ? field.length : field;
      const v = values.get(t.key)!;
      v.textContent = t.litres ? String(raw ?? '—') : count(raw as number);
      v.setAttribute('data-value', String(raw ?? ''));
      if (t.alert) tiles.querySelector(`[data-testid=farm-kpi-${t.key}]`)?.classList.toggle('alert', Number(raw) > 0);
    }
    const days = k.trend_30d ?? [];
    const bars: Bar[] = days.map((d) => ({ label: d.day.slice(5), value: num(d.litres), title: `${d.day}: ${d.litres} L` }));
    replace(trend, bars.length ? columnChart(bars, { labelEvery: 5, ariaLabel: 'Milk per day over the last 30 days' }) : h('p', { class: 'muted' }, 'No milk recorded yet.'));
    const list = <T>(items: T[] | number, empty: string, line: (x: T) => Array<Node | string>) =>
      Array.isArray(items) && items.length
        ? h('ul', { class: 'plain' }, ...items.map((x) => h('li', {}, ...line(x))))
        : h('p', { class: 'muted' }, Array.isArray(items) ? empty : count(items));
    replace(
      held,
      list(k.in_withdrawal, 'No animal is in withdrawal.', (a) => [animalLink(a), a.milk_withdrawal_end ? ` milk free from ${a.milk_withdrawal_end}` : ' (meat)']),
    );
    replace(calvings, list(k.calvings_due_30d, 'No calvings due.', (c) => [c.day, ' ', animalLink(c.animal)]));
    const best = k.top_yielders ?? [];
    replace(
      top,
      best.length
        ? barList(
            best.map((a) => ({ label: a.name ? `${a.ear_tag} ${a.name}` : a.ear_tag, value: num(a.litres), title: `${a.ear_tag}: ${a.litres} L` })),
            { ariaLabel: 'Top yielding cows, litres a day over the last 7 days' },
          )
        : h('p', { class: 'muted' }, 'No cow is in milk.'),
    );
  };

  return {
    el,
    async load() {
      try {
        show(await get<FarmKpis>('/api/v1/herd/kpis'));
      } catch (e) {
        note.hidden = false;
        note.textContent =
          e instanceof ApiError && e.status === 404
            ? 'The farm figures are not available on this server yet.'
            : `The farm figures could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
      }
    },
    snapshot(env: Envelope) {
      const d = (env.data ?? env) as Partial<FarmKpis> & { data?: FarmKpis };
      const k = d.litres_today === undefined && d.data ? d.data : (d as FarmKpis);
      if (k.seq === undefined && env.seq !== undefined) k.seq = env.seq;
      show(k);
    },
  };
}
