// Records of the herd API (docs/herd.md) and the exact conversions the herd pages need:
// litres typed in the parlour become integer millilitres by reading the decimal text, never
// through a floating-point multiplication (12.3 * 1000 is 12299.999…).

import { get } from './api';
import { h } from './dom';

export const ANIMAL_STATUSES = ['calf', 'heifer', 'lactating', 'dry', 'pregnant', 'bull', 'sold', 'dead', 'culled'];
export const SESSIONS = ['morning', 'midday', 'evening', 'night'];

export interface AnimalRef {
  id: string;
  ear_tag: string;
  name: string | null;
}

export interface Breed {
  id: string;
  code: string;
  name: string;
  kind: string;
  avg_yield_litres: string | null;
  gestation_days: number;
  description: string | null;
}

export interface AnimalSummary {
  id: string;
  ear_tag: string;
  rfid: string | null;
  name: string | null;
  breed: { id: string; code: string; name: string } | null;
  sex: string;
  birth_date: string | null;
  age_months: number | null;
  status: string;
  in_milk_withdrawal: boolean;
  sire_id: string | null;
  dam_id: string | null;
  version: number;
}

export interface MilkRecord {
  id: string;
  animal_id: string;
  ear_tag: string;
  day: string;
  session: string;
  quantity_ml: number;
  fat: number | null;
  snf: number | null;
  protein?: number | null;
  grade: string;
  withheld: boolean;
  withheld_by?: unknown;
  posted?: boolean;
  version?: number;
}

export interface HerdSettings {
  third_session: string | null;
  morning_ends: string;
  midday_ends: string;
  evening_ends: string;
  night_ends: string;
  calving_window_days?: number;
}

// "12.5" or "12,5" litres (at most 3 decimals) as millilitres, or null when the text is not
// such a number.
export function litresToMl(text: string): number | null {
  const m = /^(\d{1,6})(?:[.,](\d{0,3}))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0'));
}

// Millilitres as litres with up to 3 decimals ("12.5", "0.25", "3"), exact.
export function mlToLitres(ml: number): string {
  const neg = ml < 0;
  const a = Math.abs(Math.trunc(ml));
  const whole = Math.floor(a / 1000);
  const frac = String(a % 1000).padStart(3, '0').replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? '.' + frac : ''}`;
}

// A percentage typed as text ("4.25"): a number with at most 2 decimals, or null.
export function percent(text: string): number | null {
  const t = text.trim().replace(',', '.');
  if (!/^\d{1,2}(\.\d{1,2})?$/.test(t)) return null;
  return Number(t);
}

// "HH:MM" as minutes since midnight.
function minutes(clock: string): number {
  const [hh, mm] = clock.split(':').map(Number);
  return (hh || 0) * 60 + (mm || 0);
}

// The farm's sessions in the order of the day.
export function sessionsOf(s: HerdSettings): string[] {
  return SESSIONS.filter((x) => x === 'morning' || x === 'evening' || x === s.third_session);
}

// The session a milking at local time `d` belongs to: the first whose end has not passed
// (after the last one's end, still the last), as HerdSettings::session_at on the server.
export function sessionAt(s: HerdSettings, d: Date): string {
  const now = d.getHours() * 60 + d.getMinutes();
  const ends: Record<string, string> = {
    morning: s.morning_ends,
    midday: s.midday_ends,
    evening: s.evening_ends,
    night: s.night_ends,
  };
  const list = sessionsOf(s);
  for (const x of list) if (now < minutes(ends[x] ?? '23:59')) return x;
  return list[list.length - 1];
}

// YYYY-MM-DD of the device's local date (the parlour's tablet is on the farm).
export function localDay(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(day + 'T00:00:00Z') + n * 86400_000).toISOString().slice(0, 10);
}

export function animalLabel(a: { ear_tag: string; name?: string | null }): string {
  return a.name ? `${a.ear_tag} (${a.name})` : a.ear_tag;
}

export function animalLink(a: AnimalRef | null | undefined): HTMLElement | string {
  if (!a) return '—';
  return h('a', { href: `/herd/animals/${encodeURIComponent(a.id)}` }, animalLabel(a));
}

export function withdrawalBadge(text = 'milk withdrawal'): HTMLElement {
  return h('span', { class: 'badge withdrawal', 'data-testid': 'withdrawal-badge' }, text);
}

export function loadSettings(): Promise<HerdSettings> {
  return get<HerdSettings>('/api/v1/herd/settings');
}
