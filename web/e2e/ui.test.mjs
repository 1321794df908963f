// Browser tests of the web UI against the real binary (ctest label e2e; see docs/ui.md).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { ADMIN_PASSWORD, ErrorLog, launchBrowser, login, percentile, Server, USER_PASSWORD } from './harness.mjs';

const LATENCY_ORDERS = Number(process.env.SD_E2E_LATENCY_ORDERS || 50);
let server;
let browser;
const errors = new ErrorLog();

before(async () => {
  server = new Server();
  await server.start();
  server.addUser('vera', 'viewer');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function assertNoPageErrors() {
  assert.deepEqual(errors.take(), [], 'console errors or page errors in the browser');
}

// The dashboard's KPI tile value, as the raw number or decimal string the API sent.
async function tile(page, key) {
  return page.getAttribute(`[data-testid=kpi-${key}] .value`, 'data-value');
}

async function openDashboard(context) {
  const dash = errors.watch(await context.newPage());
  await dash.goto(server.base + '/');
  await dash.waitForSelector('[data-testid=live-status]:text("live")');
  await dash.waitForSelector('[data-testid=kpi-orders_today] .value[data-value]');
  await dash.waitForSelector('[data-testid=chart-sales-by-hour][data-total]');
  return dash;
}

async function fillOrder(page, sku, qty) {
  await page.selectOption('[data-testid=product-select]', sku);
  await page.fill('[data-testid=qty-input]', String(qty));
}

test('the UI is served with a strict CSP, no inline script or style, and cacheable assets', async () => {
  for (const p of ['/', '/dashboards', '/orders/new', '/sql', '/no/such/page']) {
    const r = await fetch(server.base + p, { headers: { 'Sec-Fetch-Dest': 'document', Accept: 'text/html' } });
    assert.equal(r.status, 200, p);
    assert.match(r.headers.get('content-type'), /^text\/html/, p);
    const csp = r.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'(;|$)/, p);
    assert.match(csp, /style-src 'self'(;|$)/, p);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, p);
    assert.equal(r.headers.get('cache-control'), 'no-store', p);
    const html = await r.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'inline <script>');
    assert.doesNotMatch(html, /<style/i, 'inline <style>');
    assert.doesNotMatch(html, /\sstyle=/i, 'style attribute');
    if (p === '/') {
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)[1];
      const a = await fetch(server.base + asset);
      assert.equal(a.status, 200);
      assert.match(a.headers.get('content-type'), /^text\/javascript/);
      assert.equal(a.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    }
  }
  // The API keeps its JSON 404, and a script asking the seed's /orders alias gets JSON.
  const api404 = await fetch(server.base + '/api/v1/no-such-thing');
  assert.equal(api404.status, 404);
  assert.match(api404.headers.get('content-type'), /^application\/json/);
  const alias = await fetch(server.base + '/orders');
  assert.equal(alias.status, 401);
});

test('place an order through the form; the open dashboard updates its tiles and sales chart live', async () => {
  const context = await browser.newContext();
  try {
    const first = errors.watch(await context.newPage());
    await login(first, server.base, 'admin', ADMIN_PASSWORD);
    const dash = await openDashboard(context);
    // Marker that a reload would erase.
    await dash.evaluate(() => (window.__sdNoReload = true));
    const ordersBefore = Number(await tile(dash, 'orders_today'));
    const salesBefore = await tile(dash, 'sales_today');
    const chartBefore = await dash.getAttribute('[data-testid=chart-sales-by-hour]', 'data-total');

    const form = first;
    await form.goto(server.base + '/orders/new');
    await form.waitForSelector('[data-testid=customer-select] option[value="11111111-1111-1111-1111-111111111111"]', { state: 'attached' });
    await form.selectOption('[data-testid=customer-select]', '11111111-1111-1111-1111-111111111111');
    await fillOrder(form, 'TEST-001', 2);
    await form.click('[data-testid=add-line-button]');
    await fillOrder(form, 'DEMO-001', 1);
    await form.click('[data-testid=add-line-button]');
    await form.click('[data-testid=submit-button]');
    const success = form.locator('[data-testid=success-message][data-invoice]');
    await success.waitFor({ timeout: 10_000 });
    const text = await success.textContent();
    assert.match(text, /SO-\d{6}/);
    assert.match(text, /INV-\d{6}/);

    await dash.waitForFunction(
      (before) => Number(document.querySelector('[data-testid=kpi-orders_today] .value')?.getAttribute('data-value')) === before + 1,
      ordersBefore,
      { timeout: 10_000 },
    );
    assert.notEqual(await tile(dash, 'sales_today'), salesBefore);
    await dash.waitForFunction(
      (before) => document.querySelector('[data-testid=chart-sales-by-hour]')?.getAttribute('data-total') !== before,
      chartBefore,
      { timeout: 10_000 },
    );
    assert.equal(await dash.evaluate(() => window.__sdNoReload), true, 'the dashboard was reloaded');

    // API errors are shown next to what they concern: a quantity out of range at the
    // quantity input, more than the stock at the order line.
    await fillOrder(form, 'TEST-001', 100000000);
    await form.click('[data-testid=submit-button]');
    await form.waitForSelector('.field.invalid [data-testid=qty-input]');
    assert.match(await form.textContent('[data-field-error=qty]'), /between 1 and/);
    await fillOrder(form, 'TEST-001', 100000);
    await form.click('[data-testid=add-line-button]');
    await form.click('[data-testid=submit-button]');
    await form.waitForSelector('[data-field-error="items[0]"]:not(:empty)');
    assert.match(await form.textContent('[data-field-error="items[0]"]'), /TEST-001: 100000 ordered/);
    // The browser logs those two refused requests; nothing else may be there.
    const logged = errors.take().filter((e) => !/status of (422|409) .*\/api\/v1\/orders\)$/.test(e));
    assert.deepEqual(logged, []);
    assertNoPageErrors();
  } finally {
    await context.close();
  }
});

test(`submit -> dashboard update latency in the browser over ${LATENCY_ORDERS} orders`, { timeout: 300_000 }, async () => {
  const context = await browser.newContext();
  try {
    const form = errors.watch(await context.newPage());
    await login(form, server.base, 'admin', ADMIN_PASSWORD);
    const dash = await openDashboard(context);
    await form.goto(server.base + '/orders/new');
    await form.waitForSelector('[data-testid=customer-select] option[value="11111111-1111-1111-1111-111111111111"]', { state: 'attached' });
    await form.selectOption('[data-testid=customer-select]', '11111111-1111-1111-1111-111111111111');
    const samples = [];
    const posts = [];
    for (let i = 0; i < LATENCY_ORDERS; ++i) {
      const before = Number(await tile(dash, 'orders_today'));
      // Armed in the dashboard before the click: resolves with the time the tile showed it.
      const updated = dash.evaluate(
        (want) =>
          new Promise((resolve) => {
            const el = document.querySelector('[data-testid=kpi-orders_today] .value');
            const now = () => performance.timeOrigin + performance.now();
            const mo = new MutationObserver(() => {
              if (Number(el.getAttribute('data-value')) >= want) {
                mo.disconnect();
                resolve(now());
              }
            });
            mo.observe(el, { attributes: true, attributeFilter: ['data-value'] });
          }),
        before + 1,
      );
      await fillOrder(form, 'TEST-001', 1);
      assert.equal(await form.isEnabled('[data-testid=submit-button]'), true);
      await form.evaluate(() => {
        document.querySelector('[data-testid=submit-button]').addEventListener(
          'click',
          () => (window.__sdClickAt = performance.timeOrigin + performance.now()),
          { capture: true, once: true },
        );
      });
      // force: skip Playwright's "stable" check, which waits for animation frames that the
      // page not in front (the dashboard is) hardly gets: ~1.2 s per click, outside the
      // measured interval but it made the run slow. The button is enabled (checked above).
      await form.click('[data-testid=submit-button]', { force: true });
      const shownAt = await updated;
      const clickAt = await form.evaluate(() => window.__sdClickAt);
      samples.push(shownAt - clickAt);
      // The next order starts once this one's invoice is shown.
      await form.waitForSelector('[data-testid=success-message][data-invoice]', { timeout: 10_000 });
      // The order's POST as the page saw it (Resource Timing, complete once the success message
      // is shown): how much of the above it is.
      posts.push(
        await form.evaluate(() => {
          const e = performance.getEntriesByType('resource').filter((r) => r.name.endsWith('/api/v1/orders')).pop();
          performance.clearResourceTimings();
          return e ? e.responseEnd - e.startTime : null;
        }),
      );
    }
    samples.sort((a, b) => a - b);
    posts.sort((a, b) => a - b);
    assert.equal(posts.length, samples.length);
    assert.ok(posts.every((p) => typeof p === 'number'), 'a POST without resource timing');
    const result = {
      orders: samples.length,
      p50_ms: Number(percentile(samples, 50).toFixed(1)),
      p99_ms: Number(percentile(samples, 99).toFixed(1)),
      max_ms: Number(samples[samples.length - 1].toFixed(1)),
      min_ms: Number(samples[0].toFixed(1)),
      post_p50_ms: Number(percentile(posts, 50).toFixed(1)),
      post_p99_ms: Number(percentile(posts, 99).toFixed(1)),
    };
    console.log(`submit -> dashboard update over ${result.orders} orders: p50 ${result.p50_ms} ms, p99 ${result.p99_ms} ms (min ${result.min_ms}, max ${result.max_ms}); the POST itself p50 ${result.post_p50_ms} ms, p99 ${result.post_p99_ms} ms`);
    if (process.env.SD_E2E_RESULTS) writeFileSync(process.env.SD_E2E_RESULTS, JSON.stringify(result) + '\n');
    assertNoPageErrors();
  } finally {
    await context.close();
  }
});

test('a viewer sees no submit button on the order form and cannot reach the SQL console (phone-sized screen)', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    const page = errors.watch(await context.newPage());
    await login(page, server.base, 'vera', USER_PASSWORD);
    await page.goto(server.base + '/orders/new');
    await page.waitForSelector('[data-testid=customer-select]');
    await page.waitForSelector('[data-testid=read-only-notice]');
    assert.equal(await page.locator('[data-testid=submit-button]').count(), 0);
    assert.equal(await page.locator('[data-testid=nav-sql]').count(), 0);
    assert.equal(await page.locator('[data-testid=nav-new-order]').count(), 0);
    // The page fits the phone's width.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'horizontal overflow');

    await page.goto(server.base + '/sql');
    await page.waitForSelector('[data-testid=not-allowed]');
    assert.equal(await page.locator('[data-testid=sql-input]').count(), 0);
    // And the server refuses the query whatever the UI shows.
    const status = await page.evaluate(async () => {
      const r = await fetch('/api/v1/analytics/query', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': sessionStorage.getItem('smartdairy.csrf') ?? '' },
        body: JSON.stringify({ sql: 'SELECT 1' }),
      });
      return r.status;
    });
    assert.equal(status, 403);
    errors.take(); // the 403 above is logged by the browser as a failed resource load
    // The viewer's dashboard loads on the small screen too.
    await page.goto(server.base + '/');
    await page.waitForSelector('[data-testid=kpi-orders_today] .value[data-value]');
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'horizontal overflow');
    assertNoPageErrors();
  } finally {
    await context.close();
  }
});

test('the SQL console runs a read-only query for an admin', async () => {
  const context = await browser.newContext();
  try {
    const page = errors.watch(await context.newPage());
    await login(page, server.base, 'admin', ADMIN_PASSWORD);
    await page.click('[data-testid=nav-sql]');
    await page.fill('[data-testid=sql-input]', 'SELECT sku, on_hand FROM analytics_stock_levels ORDER BY sku LIMIT 3');
    await page.click('[data-testid=sql-run]');
    await page.waitForSelector('[data-testid=sql-result] table');
    assert.ok((await page.locator('[data-testid=sql-result] tbody tr').count()) > 0);
    assertNoPageErrors();
  } finally {
    await context.close();
  }
});

test('list pages show the demo data, filter it and load later pages below the first', async () => {
  const context = await browser.newContext();
  try {
    const page = errors.watch(await context.newPage());
    await login(page, server.base, 'admin', ADMIN_PASSWORD);
    const rows = () => page.locator('table.list tbody tr');

    await page.goto(server.base + '/customers');
    await page.waitForSelector('table.list tbody tr >> text=Acme Corp');
    assert.equal(await rows().count(), 5);
    await page.fill('input[type=search]', 'Beta');
    await page.waitForFunction(() => document.querySelectorAll('table.list tbody tr').length === 1);
    assert.match(await rows().first().innerText(), /Beta Ltd/);

    await page.goto(server.base + '/products');
    await page.waitForSelector('table.list tbody tr >> text=MILK-RAW');
    assert.equal(await rows().count(), 14);

    // The demo month has more than 50 orders: a first page of 50, then "Load more" below it.
    await page.goto(server.base + '/orders');
    await page.waitForSelector('table.list tbody tr >> text=SO-');
    assert.equal(await rows().count(), 50);
    await page.click('.pager button');
    await page.waitForFunction(() => document.querySelectorAll('table.list tbody tr').length > 50);
    assert.equal(await page.locator('table.list').count(), 1);

    await page.goto(server.base + '/invoices');
    await page.waitForSelector('table.list tbody tr >> text=INV-');
    await page.selectOption('select[aria-label=Status]', 'paid');
    await page.waitForFunction(() =>
      [...document.querySelectorAll('table.list tbody tr')].every((r) => r.innerText.includes('paid')),
    );
    const statuses = await page.locator('table.list tbody tr .badge').allInnerTexts();
    assert.ok(statuses.length > 0 && statuses.every((s) => s === 'paid'), statuses.join(','));
    assertNoPageErrors();
  } finally {
    await context.close();
  }
});
