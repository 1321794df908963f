// DOM building without innerHTML: every value becomes a text node or an attribute, so stored
// data can never be parsed as markup (SECURITY.md SR-23).

export type Child = Node | string | number | null | undefined | false;
type Listener = (ev: Event) => void;
export interface Attrs {
  [name: string]: string | number | boolean | null | undefined | Listener;
}

// h('button', {class: 'primary', onclick: fn}, 'Save'): attributes whose value is false,
// null or undefined are left out; `on…` keys are event listeners.
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, ...children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag: string, attrs: Attrs = {}, ...children: Child[]): SVGElement {
  const el = document.createElementNS(SVG_NS, tag) as SVGElement;
  setAttrs(el, attrs);
  append(el, ...children);
  return el;
}

function setAttrs(el: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (typeof value === 'function') {
      el.addEventListener(name.replace(/^on/, ''), value);
    } else if (name === 'style') {
      throw new Error('style attributes are refused by the CSP: use a class');
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

export function append(el: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

export function clear(el: Node): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function replace(el: Node, ...children: Child[]): void {
  clear(el);
  append(el, ...children);
}

// A <select> with the given options (value, label); the first is selected unless `selected`.
export function select(
  attrs: Attrs,
  options: Array<[string, string]>,
  selected?: string,
): HTMLSelectElement {
  const el = h('select', attrs);
  for (const [value, label] of options) {
    const o = h('option', { value }, label);
    if (value === selected) o.selected = true;
    el.appendChild(o);
  }
  return el;
}

// A labelled form field with a slot for its error message: the slot is found by
// data-field-error="<name>" and filled by showErrors() in forms.ts.
export function field(label: string, name: string, control: HTMLElement): HTMLElement {
  const id = `f-${name.replace(/[^a-z0-9_-]/gi, '_')}-${Math.random().toString(36).slice(2, 7)}`;
  control.id = id;
  if (!control.getAttribute('name')) control.setAttribute('name', name);
  return h(
    'div',
    { class: 'field', 'data-field': name },
    h('label', { for: id }, label),
    control,
    h('div', { class: 'field-error', 'data-field-error': name, role: 'alert' }),
  );
}
