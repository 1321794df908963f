// Milk records that could not reach the server yet (the parlour's Wi-Fi drops, the server
// restarts): kept in localStorage with their Idempotency-Key and resent with that same key
// every 10 s and when the browser comes back online, until the server answers. The key makes
// a resend that the server had in fact already saved answer the saved record again, so a
// record is never counted twice. A record the server refuses (4xx) stays in the queue as
// "failed" until the parlour page shows it and the user fixes or discards it.

import { api, ApiError, can, randomKey } from './api';
import { MilkRecord } from './herd';

export interface MilkBody {
  ear_tag: string;
  day: string;
  session: string;
  quantity_ml: number;
  fat?: number;
  snf?: number;
  correction?: { reason: string };
}

export interface QueuedError {
  status: number;
  code: string;
  message: string;
  details: string[];
}

export interface Queued {
  key: string;
  body: MilkBody;
  state: 'pending' | 'failed';
  error?: QueuedError;
}

export type Outcome = { record: MilkRecord } | { error: ApiError };

const STORE = 'smartdairy.milk.queue';
const RETRY_MS = 10_000;
const listeners = new Set<(key: string, outcome: Outcome) => void>();
const inFlight = new Set<string>();
let started = false;
let flushing = false;

// crypto.randomUUID() where the page is a secure context, 32 random hex digits elsewhere (a
// farm LAN reached over plain HTTP).
export function newKey(): string {
  return typeof crypto.randomUUID === 'function' && window.isSecureContext ? crypto.randomUUID() : randomKey();
}

export function queued(): Queued[] {
  try {
    const v = JSON.parse(localStorage.getItem(STORE) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as Queued[]) : [];
  } catch {
    return [];
  }
}

function store(items: Queued[]): void {
  if (items.length === 0) localStorage.removeItem(STORE);
  else localStorage.setItem(STORE, JSON.stringify(items));
}

function put(item: Queued): void {
  store([...queued().filter((q) => q.key !== item.key), item]);
}

export function forget(key: string): void {
  store(queued().filter((q) => q.key !== key));
}

// Whether the server has not really answered: no connection, a 5xx, the same key still
// being processed, or a lapsed session (the record is kept for after the next login).
export function retryable(e: unknown): boolean {
  if (!(e instanceof ApiError)) return true;
  return e.status === 0 || e.status >= 500 || e.status === 401 || e.code === 'request_in_flight';
}

export function onOutcome(fn: (key: string, outcome: Outcome) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

function tell(key: string, outcome: Outcome): void {
  for (const fn of listeners) fn(key, outcome);
}

async function post(key: string, body: MilkBody): Promise<MilkRecord> {
  inFlight.add(key);
  try {
    return await api<MilkRecord>('POST', '/api/v1/herd/milk', body, { headers: { 'Idempotency-Key': key } });
  } finally {
    inFlight.delete(key);
  }
}

// Saves one record: it is written to the queue first (a tab closed mid-request loses
// nothing), then sent. Resolves with the record; rejects with the ApiError of a refusal, or
// with `retryable` errors after which the record stays queued as pending.
export async function saveMilk(key: string, body: MilkBody): Promise<MilkRecord> {
  put({ key, body, state: 'pending' });
  try {
    const r = await post(key, body);
    forget(key);
    return r;
  } catch (e) {
    if (!retryable(e)) forget(key);
    throw e;
  }
}

// Resends every pending record, oldest first; stops at the first one the server still cannot
// take (it is unreachable, and the others would fail the same way).
export async function flushMilk(): Promise<void> {
  if (flushing || !can('herd.write')) return;
  flushing = true;
  try {
    for (const item of queued()) {
      if (item.state !== 'pending' || inFlight.has(item.key)) continue;
      try {
        const record = await post(item.key, item.body);
        forget(item.key);
        tell(item.key, { record });
      } catch (e) {
        if (retryable(e)) break;
        const err = e as ApiError;
        put({ ...item, state: 'failed', error: { status: err.status, code: err.code, message: err.message, details: err.details } });
        tell(item.key, { error: err });
      }
    }
  } finally {
    flushing = false;
  }
}

// Starts the retries once per page load (main.ts, for users who may record milk).
export function startMilkQueue(): void {
  if (started) return;
  started = true;
  window.setInterval(() => void flushMilk(), RETRY_MS);
  window.addEventListener('online', () => void flushMilk());
  void flushMilk();
}
