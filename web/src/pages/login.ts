import { login } from '../api';
import { append, field, h } from '../dom';
import { busy, formError, showErrors } from '../forms';
import { navigate, PageContext } from '../router';

export function loginPage({ root, query }: PageContext): void {
  const username = h('input', { type: 'text', autocomplete: 'username', required: true, 'data-testid': 'username' });
  const password = h('input', {
    type: 'password',
    autocomplete: 'current-password',
    required: true,
    'data-testid': 'password',
  });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': 'login-button' }, 'Log in');
  const form = h(
    'form',
    { class: 'card login', novalidate: true },
    h('h1', {}, 'Smart Dairy'),
    h('p', { class: 'muted' }, 'Log in with your user name and password.'),
    formError(),
    field('User name', 'username', username),
    field('Password', 'password', password),
    submit,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(submit, async () => {
      try {
        await login(username.value.trim(), password.value);
        const next = query.get('next');
        // Only a local path: never an open redirect.
        navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', true);
      } catch (e) {
        password.value = '';
        showErrors(form, e);
      }
    });
  });
  append(root, form);
  username.focus();
}
