// A tiny history-API router: "/orders/:id" patterns, link interception, one page at a time
// with an optional cleanup (closing the event stream, timers) when the page is left.

export interface PageContext {
  root: HTMLElement;
  params: Record<string, string>;
  query: URLSearchParams;
}
export type Cleanup = () => void;
export type Page = (ctx: PageContext) => void | Cleanup | Promise<void | Cleanup>;

interface Route {
  re: RegExp;
  names: string[];
  page: Page;
}

const routes: Route[] = [];
let notFound: Page = () => {};
let render: (page: Page, params: Record<string, string>) => void = () => {};

export function route(pattern: string, page: Page): void {
  const names: string[] = [];
  const re = new RegExp(
    '^' +
      pattern.replace(/\/:([a-z_]+)/g, (_m, n: string) => {
        names.push(n);
        return '/([^/]+)';
      }) +
      '/?$',
  );
  routes.push({ re, names, page });
}

export function setNotFound(page: Page): void {
  notFound = page;
}

export function resolve(path: string): { page: Page; params: Record<string, string> } {
  for (const r of routes) {
    const m = r.re.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
    return { page: r.page, params };
  }
  return { page: notFound, params: {} };
}

export function navigate(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  dispatch();
}

export function dispatch(): void {
  const { page, params } = resolve(location.pathname);
  render(page, params);
}

export function start(renderer: (page: Page, params: Record<string, string>) => void): void {
  render = renderer;
  window.addEventListener('popstate', dispatch);
  // Same-origin links are handled here; ctrl/cmd-click, new-tab links and downloads are not.
  document.addEventListener('click', (ev) => {
    if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
    const a = (ev.target as Element | null)?.closest?.('a');
    if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin) return;
    if (a.pathname.startsWith('/api/')) return;
    ev.preventDefault();
    navigate(a.pathname + a.search);
  });
  dispatch();
}
