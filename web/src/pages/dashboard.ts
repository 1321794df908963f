import { ApiError, can, get } from '../api';
import { Bar, barList, columnChart } from '../charts';
import { append, h, replace } from '../dom';
import { count, farmDate, money, num } from '../format';
import { Cleanup, PageContext } from '../router';
import { Envelope, openStream } from '../stream';
import { FarmSection, farmSection } from './farm';

// GET /api/v1/analytics/kpis, and the data of every kpi.snapshot event on the stream.
export interface Kpis {
  today: string;
  seq: number;
  sales_today: string;
  orders_today: number;
  outstanding_receivables: string;
  overdue_receivables: string;
  below_reorder: number;
}

interface Rows<T> {
  view: string;
  rows: T[];
}
interface HourRow {
  hour: string;
  orders: number;
  total: string;
}
interface AgeingRow {
  bucket: string;
  invoices: number;
  amount_due: string;
}
interface StockRow {
  sku: string;
  name: string;
  unit: string;
  available: number;
  on_hand: number;
  reserved: number;
  reorder_point: number;
  below_reorder: boolean;
}

const TILES: Array<{ key: keyof Kpis; label: string; money: boolean }> = [
  { key: 'sales_today', label: "Today's sales", money: true },
  { key: 'orders_today', label: 'Orders today', money: false },
  { key: 'outstanding_receivables', label: 'Outstanding receivables', money: true },
  { key: 'overdue_receivables', label: 'Overdue receivables', money: true },
  { key: 'below_reorder', label: 'Products below reorder point', money: false },
];
const BUCKETS = ['current', '1-30', '31-60', '61-90', '91-120', '>120'];
// Events after which a chart may have changed; kpi.snapshot follows the analytics update.
const EVENTS = [
  'kpi.snapshot',
  'order.created',
  'order.updated',
  'invoice.issued',
  'invoice.voided',
  'payment.received',
  'stock.reserved',
  'stock.released',
  'stock.adjusted',
];

// "YYYY-MM-DDTHH:00" for `d` shifted by the farm's offset (UTC+6 by default).
function hourKey(d: Date): string {
  return new Date(d.getTime() + 6 * 3600_000).toISOString().slice(0, 13) + ':00';
}

// The 24 hour keys ending with `last`.
function last24(last: string): string[] {
  const end = new Date(last + ':00Z').getTime();
  const out: string[] = [];
  for (let i = 23; i >= 0; --i) out.push(new Date(end - i * 3600_000).toISOString().slice(0, 13) + ':00');
  return out;
}

export function dashboardPage({ root }: PageContext): Cleanup | void {
  const farm = can('farm.kpis') ? farmSection() : null;
  if (!can('analytics.read')) {
    if (!farm) {
      append(
        root,
        h('h1', {}, 'Dashboard'),
        h('p', { class: 'notice', 'data-testid': 'no-dashboard' }, 'Your role has no business dashboard; the menu has what you can use.'),
      );
      return;
    }
    return farmDashboard(root, farm);
  }
  let kpis: Kpis | null = null;
  const live = h('span', { class: 'live off', 'data-testid': 'live-status' }, 'connecting…');
  const notice = h('div', { class: 'form-error' });
  notice.hidden = true;
  const tileValues = new Map<string, HTMLElement>();
  const tiles = h(
    'section',
    { class: 'tiles' },
    ...TILES.map((t) => {
      const v = h('div', { class: 'value' }, '—');
      tileValues.set(t.key, v);
      return h('div', { class: 'tile', 'data-testid': `kpi-${t.key}` }, h('div', { class: 'label' }, t.label), v);
    }),
  );
  const salesBox = h('div', { class: 'chart-box', 'data-testid': 'chart-sales-by-hour' });
  const ageingBox = h('div', { class: 'chart-box', 'data-testid': 'chart-ar-ageing' });
  const stockBox = h('div', { class: 'chart-box', 'data-testid': 'chart-stock-levels' });
  const dash = h(
    'div',
    { class: 'dashboard', 'data-testid': 'dashboard' },
    h('div', { class: 'title-row' }, h('h1', {}, 'Dashboard'), live),
    notice,
    tiles,
    h(
      'section',
      { class: 'charts' },
      h('div', { class: 'card wide' }, h('h2', {}, 'Sales by hour, last 24 h'), salesBox),
      h('div', { class: 'card' }, h('h2', {}, 'Receivables by age (days overdue)'), ageingBox),
      h('div', { class: 'card' }, h('h2', {}, 'Stock levels'), stockBox),
    ),
    farm?.el,
  );
  append(root, dash);

  const showKpis = (k: Kpis) => {
    if (kpis && typeof k.seq === 'number' && typeof kpis.seq === 'number' && k.seq < kpis.seq) return;
    kpis = k;
    for (const t of TILES) {
      const raw = k[t.key] as string | number | undefined;
      const el = tileValues.get(t.key)!;
      el.textContent = t.money ? money(raw as string) : count(raw as number);
      el.setAttribute('data-value', String(raw ?? ''));
    }
    tiles.querySelector('[data-testid="kpi-below_reorder"]')?.classList.toggle('alert', k.below_reorder > 0);
    dash.setAttribute('data-seq', String(k.seq ?? ''));
  };

  const fail = (what: string, e: unknown) => {
    notice.hidden = false;
    notice.textContent =
      e instanceof ApiError && e.status === 404
        ? `${what} is not available on this server yet.`
        : `${what} could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
  };

  const loadKpis = async () => {
    try {
      showKpis(await get<Kpis>('/api/v1/analytics/kpis'));
    } catch (e) {
      fail('The KPI summary', e);
    }
  };

  const loadSales = async () => {
    const now = new Date();
    const to = kpis?.today ?? farmDate(now);
    const from = farmDate(new Date(new Date(to + 'T00:00:00Z').getTime() - 86400_000), 0);
    const r = await get<Rows<HourRow>>(`/api/v1/analytics/sales_by_hour?from=${from}&to=${to}`);
    const byHour = new Map(r.rows.map((x) => [x.hour.slice(0, 16), x]));
    let end = hourKey(now);
    for (const k of byHour.keys()) if (k > end) end = k;
    const hours = last24(end);
    let total = 0;
    let orders = 0;
    const bars: Bar[] = hours.map((hk) => {
      const row = byHour.get(hk);
      total += num(row?.total);
      orders += row?.orders ?? 0;
      return {
        label: hk.slice(11, 13),
        value: num(row?.total),
        title: `${hk.replace('T', ' ')}: ${money(row?.total ?? '0.00')} (${row?.orders ?? 0} orders)`,
      };
    });
    salesBox.setAttribute('data-total', total.toFixed(2));
    salesBox.setAttribute('data-orders', String(orders));
    replace(
      salesBox,
      columnChart(bars, { labelEvery: 3, ariaLabel: 'Sales by hour over the last 24 hours' }),
      h('p', { class: 'muted small' }, `${count(orders)} orders, ${money(total.toFixed(2))} in 24 h`),
    );
  };

  const loadAgeing = async () => {
    const r = await get<Rows<AgeingRow>>('/api/v1/analytics/ar_ageing');
    const by = new Map(r.rows.map((x) => [x.bucket, x]));
    const bars: Bar[] = BUCKETS.map((b) => ({
      label: b,
      value: num(by.get(b)?.amount_due),
      title: `${b}: ${money(by.get(b)?.amount_due ?? '0.00')} in ${by.get(b)?.invoices ?? 0} invoices`,
      className: b === 'current' ? '' : 'overdue',
    }));
    replace(ageingBox, columnChart(bars, { ariaLabel: 'Receivables by age' }));
  };

  const loadStock = async () => {
    const r = await get<Rows<StockRow>>('/api/v1/analytics/stock_levels');
    const rows = [...r.rows].sort((a, b) => Number(b.below_reorder) - Number(a.below_reorder) || a.sku.localeCompare(b.sku));
    const bars: Bar[] = rows.slice(0, 15).map((s) => ({
      label: s.name.length > 24 ? s.name.slice(0, 23) + '…' : s.name,
      value: s.available,
      marker: s.reorder_point,
      className: s.below_reorder ? 'low' : '',
      title: `${s.sku} ${s.name}: ${s.available} ${s.unit} available (${s.on_hand} on hand, ${s.reserved} reserved), reorder at ${s.reorder_point}`,
    }));
    replace(
      stockBox,
      bars.length ? barList(bars, { ariaLabel: 'Stock available per product' }) : h('p', { class: 'muted' }, 'No stock is tracked yet.'),
      rows.length > 15 ? h('p', { class: 'muted small' }, `${rows.length - 15} more on the Inventory page.`) : null,
    );
  };

  // Chart refreshes never overlap: one in flight, at most one more queued.
  let inFlight = false;
  let again = false;
  const refreshCharts = async () => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      await Promise.all([
        loadSales().catch((e) => fail('Sales by hour', e)),
        loadAgeing().catch((e) => fail('Receivables by age', e)),
        loadStock().catch((e) => fail('Stock levels', e)),
      ]);
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        void refreshCharts();
      }
    }
  };
  let debounce: number | undefined;
  const refreshSoon = () => {
    window.clearTimeout(debounce);
    debounce = window.setTimeout(() => void refreshCharts(), 250);
  };

  let poll: number | undefined;
  const stream = openStream(
    farm ? [...EVENTS, 'farm.snapshot'] : EVENTS,
    (type: string, env: Envelope) => {
      if (type === 'farm.snapshot') {
        farm?.snapshot(env);
      } else if (type === 'kpi.snapshot') {
        // The envelope's data is the same object as GET /api/v1/analytics/kpis.
        const d = (env.data ?? env) as Partial<Kpis> & { data?: Kpis };
        const k = d.sales_today === undefined && d.data ? d.data : (d as Kpis);
        if (k.seq === undefined && env.seq !== undefined) k.seq = env.seq;
        showKpis(k);
        void refreshCharts();
      } else {
        refreshSoon();
      }
    },
    (isLive) => {
      live.textContent = isLive ? 'live' : 'offline';
      live.classList.toggle('off', !isLive);
      window.clearInterval(poll);
      poll = undefined;
      if (isLive) {
        // Catch up with anything missed while disconnected.
        void loadKpis().then(refreshCharts);
        void farm?.load();
      } else {
        poll = window.setInterval(() => {
          void loadKpis().then(refreshCharts);
          void farm?.load();
        }, 10_000);
      }
    },
  );

  void loadKpis().then(refreshCharts);
  void farm?.load();
  return () => {
    stream.close();
    window.clearInterval(poll);
    window.clearTimeout(debounce);
  };
}

// The dashboard of a role that sees the farm but not the business (farm, vet): the farm's
// tiles and charts, live from farm.snapshot messages.
function farmDashboard(root: HTMLElement, farm: FarmSection): Cleanup {
  const live = h('span', { class: 'live off', 'data-testid': 'live-status' }, 'connecting…');
  append(root, h('div', { class: 'dashboard', 'data-testid': 'dashboard' }, h('div', { class: 'title-row' }, h('h1', {}, 'Dashboard'), live), farm.el));
  let poll: number | undefined;
  const stream = openStream(
    ['farm.snapshot'],
    (_type: string, env: Envelope) => farm.snapshot(env),
    (isLive) => {
      live.textContent = isLive ? 'live' : 'offline';
      live.classList.toggle('off', !isLive);
      window.clearInterval(poll);
      poll = undefined;
      if (isLive) void farm.load();
      else poll = window.setInterval(() => void farm.load(), 10_000);
    },
  );
  void farm.load();
  return () => {
    stream.close();
    window.clearInterval(poll);
  };
}
