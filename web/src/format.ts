// Money arrives as decimal strings ("1234.50"); shown grouped, never through float maths
// beyond what a chart's bar height needs.

export function money(amount: string | null | undefined, currency = ''): string {
  if (amount === null || amount === undefined || amount === '') return '—';
  const neg = amount.startsWith('-');
  const [whole, frac] = (neg ? amount.slice(1) : amount).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = frac !== undefined ? `${grouped}.${frac}` : grouped;
  return `${neg ? '-' : ''}${currency ? currency + ' ' : ''}${text}`;
}

export function count(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  return n.toLocaleString('en-US');
}

// A decimal string as a number, for chart scales only.
export function num(amount: string | number | null | undefined): number {
  if (amount === null || amount === undefined) return 0;
  const v = typeof amount === 'number' ? amount : Number.parseFloat(amount);
  return Number.isFinite(v) ? v : 0;
}

export function dateTime(rfc3339: string | null | undefined): string {
  if (!rfc3339) return '—';
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return rfc3339;
  return d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

// YYYY-MM-DD of a Date in UTC+6 (the farm's default zone, Asia/Dhaka, no DST); used only for
// default date ranges, the server decides what "today" is.
export function farmDate(d: Date, offsetHours = 6): string {
  return new Date(d.getTime() + offsetHours * 3600_000).toISOString().slice(0, 10);
}
