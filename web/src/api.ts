// The JSON API client: session cookie (HttpOnly, sent by the browser) plus the CSRF token
// from login, sent as X-CSRF-Token on every unsafe method (SECURITY.md SR-20).

export interface Me {
  id: string;
  username: string;
  role: string;
  permissions: string[];
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

// The API's error envelope: {"error": {"code", "message", "details": [...], "request_id"}}.
// `details` names the offending input fields ("customer_id", "items[0].qty") or, for some
// codes (insufficient_stock), describes each offending item.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string[] = [],
    readonly requestId = '',
  ) {
    super(message);
  }
}

const CSRF_KEY = 'smartdairy.csrf';
let csrfToken = sessionStorage.getItem(CSRF_KEY) ?? '';
let me: Me | null = null;
let onUnauthorized: () => void = () => {};

export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

export function currentUser(): Me | null {
  return me;
}

export function can(permission: string): boolean {
  return me !== null && me.permissions.includes(permission);
}

// The read-only SQL console needs analytics.query (admin and manager); the server decides.
export function canQuery(): boolean {
  return can('analytics.query');
}

// 32 random hex digits. crypto.randomUUID() exists only in secure contexts, and a farm LAN
// reaches the server over plain HTTP; getRandomValues() works everywhere.
export function randomKey(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

export interface RequestOptions {
  headers?: Record<string, string>;
  // Do not treat a 401 as "logged out" (the login form shows it instead).
  allow401?: boolean;
}

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let resp: Response;
  try {
    resp = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network_error', 'The server cannot be reached; check the connection and try again.');
  }
  if (resp.status === 204) return undefined as T;
  const text = await resp.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!resp.ok) {
    const e = (data as { error?: Partial<ApiError> & { request_id?: string } } | undefined)?.error;
    const err = new ApiError(
      resp.status,
      e?.code ?? 'http_' + resp.status,
      e?.message ?? `The server answered ${resp.status}.`,
      Array.isArray(e?.details) ? e!.details.map(String) : [],
      e?.request_id ?? '',
    );
    if (resp.status === 401 && !opts.allow401) {
      me = null;
      onUnauthorized();
    }
    throw err;
  }
  return data as T;
}

export const get = <T>(path: string) => api<T>('GET', path);

// Every page of a list endpoint, up to `max` items.
export async function getAll<T>(path: string, max = 1000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const url: string = cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path;
    const page: Page<T> = await get<Page<T>>(url);
    out.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && out.length < max);
  return out;
}

// The logged-in user, or null. GET /auth/me also hands back the session's CSRF token, so a
// page opened in a new tab (sessionStorage is per tab) can still write.
export async function loadMe(): Promise<Me | null> {
  try {
    const r = await api<Me & { csrf_token?: string }>('GET', '/api/v1/auth/me', undefined, {
      allow401: true,
    });
    if (r.csrf_token) setCsrf(r.csrf_token);
    me = { id: r.id, username: r.username, role: r.role, permissions: r.permissions ?? [] };
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      me = null;
    } else {
      throw e;
    }
  }
  return me;
}

function setCsrf(token: string): void {
  csrfToken = token;
  sessionStorage.setItem(CSRF_KEY, token);
}

export async function login(username: string, password: string): Promise<Me> {
  const r = await api<{ user: Me; csrf_token: string }>(
    'POST',
    '/api/v1/auth/login',
    { username, password },
    { allow401: true },
  );
  setCsrf(r.csrf_token);
  me = r.user;
  if (!me.permissions) await loadMe();
  return me!;
}

export async function logout(): Promise<void> {
  try {
    await api<void>('POST', '/api/v1/auth/logout', undefined, { allow401: true });
  } finally {
    me = null;
    csrfToken = '';
    sessionStorage.removeItem(CSRF_KEY);
  }
}
