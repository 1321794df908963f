import { ApiError } from './api';
import { append, clear, h } from './dom';

// Clears every field error and the form-level message inside `root`.
export function clearErrors(root: HTMLElement): void {
  root.querySelectorAll<HTMLElement>('[data-field-error]').forEach((el) => clear(el));
  root.querySelectorAll('.field.invalid').forEach((el) => el.classList.remove('invalid'));
  root.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  const msg = root.querySelector<HTMLElement>('[data-form-error]');
  if (msg) {
    clear(msg);
    msg.hidden = true;
  }
}

// The error slot for a detail such as "items[0].qty": the most specific of
// "items[0].qty", "items[0]", "items" that the form has.
function slotFor(root: HTMLElement, detail: string): HTMLElement | null {
  let name = detail;
  for (;;) {
    const el = root.querySelector<HTMLElement>(`[data-field-error="${CSS.escape(name)}"]`);
    if (el) return el;
    const cut = Math.max(name.lastIndexOf('.'), name.lastIndexOf('['));
    if (cut <= 0) return null;
    name = name.slice(0, cut);
  }
}

const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?(\.[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?)*$/;

// A detail is a field path ("items[0].qty"), optionally followed by a note about it
// ("items[0] TEST-001: 5 ordered, 2 available"); anything else is free text.
export function parseDetail(detail: string): { field: string | null; note: string } {
  const sp = detail.indexOf(' ');
  const head = sp < 0 ? detail : detail.slice(0, sp);
  if (!FIELD_PATH.test(head)) return { field: null, note: detail };
  return { field: head, note: sp < 0 ? '' : detail.slice(sp + 1).trim() };
}

// Shows an API error next to the fields its details name; anything else (and the message
// when no field matched) goes to the form's [data-form-error] box.
export function showErrors(root: HTMLElement, err: unknown): void {
  clearErrors(root);
  const e =
    err instanceof ApiError
      ? err
      : new ApiError(0, 'client_error', err instanceof Error ? err.message : String(err));
  let placed = false;
  let noted = false;
  const unplaced: string[] = [];
  for (const d of e.details) {
    const { field, note } = parseDetail(d);
    const slot = field ? slotFor(root, field) : null;
    if (slot) {
      if (!slot.firstChild) append(slot, note || e.message);
      const fieldEl = slot.closest('.field') ?? slot.closest('[data-field]');
      fieldEl?.classList.add('invalid');
      fieldEl?.querySelector('input, select, textarea')?.setAttribute('aria-invalid', 'true');
      placed = true;
      noted = noted || note !== '';
    } else {
      unplaced.push(d);
    }
  }
  const box = root.querySelector<HTMLElement>('[data-form-error]');
  if (!box) return;
  if (!placed || noted || unplaced.length > 0) {
    append(box, h('p', {}, e.message));
    if (unplaced.length > 0) append(box, h('ul', {}, ...unplaced.map((d) => h('li', {}, d))));
    if (e.requestId) append(box, h('p', { class: 'muted small' }, `Request id: ${e.requestId}`));
    box.hidden = false;
  }
}

export function formError(): HTMLElement {
  const el = h('div', { class: 'form-error', 'data-form-error': '', role: 'alert' });
  el.hidden = true;
  return el;
}

// Runs `fn` with `button` disabled, so a double click submits once.
export async function busy<T>(button: HTMLButtonElement, fn: () => Promise<T>): Promise<T> {
  button.disabled = true;
  try {
    return await fn();
  } finally {
    button.disabled = false;
  }
}

export function value(root: HTMLElement, name: string): string {
  const el = root.querySelector<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>(
    `[name="${CSS.escape(name)}"]`,
  );
  return el ? el.value.trim() : '';
}
