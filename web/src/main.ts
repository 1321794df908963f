import './style.css';

import { can, canQuery, currentUser, loadMe, logout, setUnauthorizedHandler } from './api';
import { append, h, replace } from './dom';
import { customerEditPage, customersPage } from './pages/customers';
import { calendarPage } from './pages/calendar';
import { dashboardPage } from './pages/dashboard';
import { animalPage, herdPage, registerAnimalPage } from './pages/herd';
import { inventoryPage } from './pages/inventory';
import { invoiceDetailPage, invoicesPage } from './pages/invoices';
import { loginPage } from './pages/login';
import { newOrderPage } from './pages/order_new';
import { orderDetailPage, ordersPage } from './pages/orders';
import { parlourPage } from './pages/parlour';
import { productEditPage, productsPage } from './pages/products';
import { sqlPage } from './pages/sql';
import { startMilkQueue } from './milk_queue';
import { Cleanup, navigate, Page, route, setNotFound, start } from './router';

route('/login', loginPage);
route('/', dashboardPage);
route('/dashboards', dashboardPage);
route('/orders/new', newOrderPage);
route('/orders', ordersPage);
route('/orders/:id', orderDetailPage);
route('/inventory', inventoryPage);
route('/invoices', invoicesPage);
route('/invoices/:id', invoiceDetailPage);
route('/customers', customersPage);
route('/customers/:id', customerEditPage);
route('/products', productsPage);
route('/products/:sku', productEditPage);
route('/sql', sqlPage);
route('/herd', herdPage);
route('/herd/animals/new', registerAnimalPage);
route('/herd/animals/:id', animalPage);
route('/herd/milk', parlourPage);
route('/herd/calendar', calendarPage);
setNotFound(({ root }) => {
  append(
    root,
    h('h1', {}, 'Page not found'),
    h('p', {}, 'There is no page at ', h('code', {}, location.pathname), '.'),
    h('p', {}, h('a', { href: '/' }, 'Go to the dashboard')),
  );
});

const app = document.getElementById('app')!;
let cleanup: Cleanup | undefined;
let checkedSession = false;
let renders = 0;

function nav(): HTMLElement {
  const me = currentUser()!;
  const link = (href: string, label: string, testid: string) =>
    h('a', { href, 'data-testid': testid, class: location.pathname === href ? 'active' : '' }, label);
  const menu = h(
    'nav',
    { class: 'nav', id: 'nav' },
    link('/', 'Dashboard', 'nav-dashboard'),
    can('orders.write') && link('/orders/new', 'New order', 'nav-new-order'),
    can('orders.read') && link('/orders', 'Orders', 'nav-orders'),
    can('inventory.read') && link('/inventory', 'Inventory', 'nav-inventory'),
    can('invoices.read') && link('/invoices', 'Invoices', 'nav-invoices'),
    can('customers.read') && link('/customers', 'Customers', 'nav-customers'),
    can('products.read') && link('/products', 'Products', 'nav-products'),
    can('herd.read') && link('/herd', 'Herd', 'nav-herd'),
    can('herd.write') && link('/herd/milk', 'Parlour', 'nav-parlour'),
    can('herd.read') && link('/herd/calendar', 'Calendar', 'nav-calendar'),
    canQuery() && link('/sql', 'SQL', 'nav-sql'),
  );
  const toggle = h(
    'button',
    {
      class: 'menu-toggle',
      type: 'button',
      'aria-controls': 'nav',
      'aria-expanded': 'false',
      onclick: () => {
        const open = menu.classList.toggle('open');
        toggle.setAttribute('aria-expanded', String(open));
      },
    },
    'Menu',
  );
  return h(
    'header',
    { class: 'top' },
    h('a', { href: '/', class: 'brand' }, 'Smart Dairy'),
    toggle,
    menu,
    h(
      'div',
      { class: 'who' },
      h('span', { 'data-testid': 'current-user' }, me.username),
      h('span', { class: 'role' }, me.role),
      h(
        'button',
        {
          type: 'button',
          class: 'link',
          'data-testid': 'logout',
          onclick: async () => {
            await logout();
            navigate('/login', true);
          },
        },
        'Log out',
      ),
    ),
  );
}

async function render(page: Page, params: Record<string, string>): Promise<void> {
  cleanup?.();
  cleanup = undefined;
  const mine = ++renders;
  if (!checkedSession) {
    checkedSession = true;
    try {
      await loadMe();
    } catch {
      // The server is unreachable: the login page says so when it is used.
    }
    if (mine !== renders) return;
  }
  const isLogin = page === loginPage;
  if (!currentUser() && !isLogin) {
    navigate('/login?next=' + encodeURIComponent(location.pathname + location.search), true);
    return;
  }
  // Milk records queued while the parlour was offline are resent from any page.
  if (can('herd.write')) startMilkQueue();
  const main = h('main', { class: 'page' });
  replace(app, isLogin ? null : nav(), main);
  try {
    const c = await page({ root: main, params, query: new URLSearchParams(location.search) });
    // A page left while it was still loading is cleaned up at once.
    if (c && mine === renders) cleanup = c;
    else if (c) c();
  } catch (e) {
    append(main, h('div', { class: 'form-error' }, e instanceof Error ? e.message : String(e)));
  }
}

setUnauthorizedHandler(() => {
  if (location.pathname !== '/login') {
    navigate('/login?next=' + encodeURIComponent(location.pathname + location.search), true);
  }
});

start((page, params) => void render(page, params));
