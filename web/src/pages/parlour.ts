import { ApiError, can, get, getAll, Page as ListPage } from '../api';
import { append, field, h, replace, select } from '../dom';
import { clearErrors, formError, showErrors } from '../forms';
import {
  AnimalSummary,
  HerdSettings,
  localDay,
  litresToMl,
  loadSettings,
  MilkRecord,
  mlToLitres,
  percent,
  sessionAt,
  sessionsOf,
  withdrawalBadge,
} from '../herd';
import { flushMilk, forget, MilkBody, newKey, onOutcome, Outcome, queued, QueuedError, retryable, saveMilk } from '../milk_queue';
import { Cleanup, PageContext } from '../router';

const DEFAULT_SETTINGS: HerdSettings = {
  third_session: null,
  morning_ends: '12:00',
  midday_ends: '16:00',
  evening_ends: '23:00',
  night_ends: '23:59',
};

// The API names `animal_id` when the ear tag resolved to an animal it refuses (not female, not
// lactating); the row shows both at its ear-tag input.
function forRow(e: unknown): unknown {
  if (!(e instanceof ApiError)) return e;
  let details = e.details.map((d) => d.replace(/^animal_id\b/, 'ear_tag'));
  if (details.length === 0 && e.code === 'animal_not_found') details = ['ear_tag'];
  // Its details are the session and the id of the record already there: the cow's row.
  if (e.code === 'milk_already_recorded') details = ['ear_tag'];
  return new ApiError(e.status, e.code, e.message, details, e.requestId);
}

const invalid = (fieldName: string, message: string) => new ApiError(422, 'invalid_field', message, [fieldName]);

let comboIds = 0;

// The ear-tag input's suggestions: lactating animals whose tag starts with what was typed,
// in a listbox under the input. Arrow keys move, Enter or Tab takes the highlighted one,
// Escape closes; Enter without a highlighted suggestion keeps the text as typed.
function tagCombobox(input: HTMLInputElement, onEnter: () => void): HTMLElement {
  const id = `milk-tags-${++comboIds}`;
  const box = h('ul', { class: 'listbox', role: 'listbox', id, 'data-testid': 'milk-tag-options' });
  box.hidden = true;
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-controls', id);
  input.setAttribute('aria-expanded', 'false');
  let options: AnimalSummary[] = [];
  let active = -1;
  let seq = 0;
  let timer: number | undefined;

  const close = () => {
    box.hidden = true;
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  };
  const highlight = (i: number) => {
    active = i;
    box.querySelectorAll('li').forEach((li, j) => li.setAttribute('aria-selected', String(j === i)));
    if (i >= 0) input.setAttribute('aria-activedescendant', `${id}-${i}`);
    else input.removeAttribute('aria-activedescendant');
  };
  const pick = (i: number) => {
    input.value = options[i].ear_tag;
    close();
  };
  const show = () => {
    replace(
      box,
      ...options.map((a, i) => {
        const li = h('li', { role: 'option', id: `${id}-${i}`, 'aria-selected': 'false', 'data-tag': a.ear_tag }, a.ear_tag, a.name ? h('span', { class: 'muted' }, ` ${a.name}`) : null, a.in_milk_withdrawal ? withdrawalBadge('withheld') : null);
        li.addEventListener('mousedown', (ev) => {
          ev.preventDefault(); // keep the focus in the input
          pick(i);
          onEnter();
        });
        return li;
      }),
    );
    const open = options.length > 0 && document.activeElement === input;
    box.hidden = !open;
    input.setAttribute('aria-expanded', String(open));
    active = -1;
  };
  input.addEventListener('input', () => {
    window.clearTimeout(timer);
    const prefix = input.value.trim();
    if (!prefix) {
      options = [];
      close();
      return;
    }
    const mine = ++seq;
    timer = window.setTimeout(() => {
      const q = new URLSearchParams({ tag: prefix, status: 'lactating', limit: '8' });
      get<ListPage<AnimalSummary>>(`/api/v1/herd/animals?${q}`)
        .then((p) => {
          if (mine !== seq) return;
          options = p.items;
          show();
        })
        .catch(() => {
          // Suggestions are a convenience: typing the whole tag still works offline.
        });
    }, 120);
  });
  input.addEventListener('keydown', (ev) => {
    const open = !box.hidden;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      if (!options.length) return;
      ev.preventDefault();
      if (!open) {
        box.hidden = false;
        input.setAttribute('aria-expanded', 'true');
      }
      const n = options.length;
      highlight(ev.key === 'ArrowDown' ? (active + 1) % n : (active - 1 + n) % n);
    } else if (ev.key === 'Enter') {
      ev.preventDefault();
      ++seq; // a suggestion still on its way is no longer wanted
      if (open && active >= 0) pick(active);
      close();
      onEnter();
    } else if (ev.key === 'Tab') {
      ++seq;
      if (open && active >= 0) pick(active);
      close();
    } else if (ev.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => {
    ++seq;
    close();
  });
  return box;
}

interface Row {
  el: HTMLElement;
  key: string;
  tag: HTMLInputElement;
  saved: MilkRecord | null;
  // What the background retries found for this row's key.
  outcome: (o: Outcome) => void;
}

// /herd/milk: milk entry at the parlour, one row per cow, keyboard only.
export async function parlourPage({ root }: PageContext): Promise<Cleanup | void> {
  append(root, h('h1', {}, 'Parlour: milk entry'));
  if (!can('herd.write')) {
    append(root, h('p', { class: 'notice', 'data-testid': 'read-only-notice' }, 'Your role cannot record milk; the herd pages show what was recorded.'));
    return;
  }
  let settings = DEFAULT_SETTINGS;
  try {
    settings = { ...DEFAULT_SETTINGS, ...(await loadSettings()) };
  } catch {
    // Offline or not set up: morning until 12:00, then evening, as the server's defaults.
  }
  const sessions = sessionsOf(settings);
  const day = h('input', { type: 'date', value: localDay(), required: true, 'data-testid': 'milk-day-input' });
  const session = select({ 'data-testid': 'milk-session-select' }, sessions.map((s): [string, string] => [s, s]), sessionAt(settings, new Date()));
  const total = h('span', { class: 'value', 'data-testid': 'milk-total', 'data-ml': '0' }, '0');
  const withheldTotal = h('span', { 'data-testid': 'milk-withheld-total' }, '');
  const pending = h('span', { class: 'badge pending', 'data-testid': 'milk-pending' }, '');
  pending.hidden = true;
  const rows = h('div', { class: 'milk-rows', 'data-testid': 'milk-rows' });
  append(
    root,
    h(
      'div',
      { class: 'milk-head card' },
      h('div', { class: 'row' }, field('Day', 'day', day), field('Session', 'session', session)),
      h('div', { class: 'milk-total' }, h('span', { class: 'label' }, 'Session total (litres) '), total, ' ', withheldTotal, ' ', pending),
    ),
    h('p', { class: 'muted small' }, 'Ear tag, Enter, litres, Enter: the row is saved and the next one starts. Fat and SNF are optional (Tab to them). Arrow keys choose a suggested tag.'),
    rows,
  );

  // The session's records by id (a correction replaces its record's quantity).
  const counted = new Map<string, MilkRecord>();
  const all: Row[] = [];
  const showTotal = () => {
    let ml = 0;
    let held = 0;
    for (const r of counted.values()) {
      ml += r.quantity_ml;
      if (r.withheld) held += r.quantity_ml;
    }
    total.textContent = mlToLitres(ml);
    total.setAttribute('data-ml', String(ml));
    withheldTotal.textContent = held ? `(${mlToLitres(held)} withheld)` : '';
    const n = queued().filter((q) => q.state === 'pending').length;
    pending.textContent = `${n} waiting to be sent`;
    pending.hidden = n === 0;
  };
  const count = (r: MilkRecord) => {
    if (r.day === day.value && r.session === session.value) counted.set(r.id, r);
    showTotal();
  };
  let totalSeq = 0;
  const loadTotal = async () => {
    const mine = ++totalSeq;
    counted.clear();
    showTotal();
    try {
      const q = new URLSearchParams({ day: day.value, session: session.value });
      q.set('limit', '500');
      const recs = await getAll<MilkRecord>(`/api/v1/herd/milk?${q}`);
      if (mine !== totalSeq) return;
      for (const r of recs) counted.set(r.id, r);
    } catch {
      // The total starts from this screen's own rows when the list cannot be read.
    }
    for (const row of all) if (row.saved) count(row.saved);
    showTotal();
  };
  day.addEventListener('change', () => void loadTotal());
  session.addEventListener('change', () => void loadTotal());

  const lastRow = () => all[all.length - 1];

  const addRow = (from?: { key: string; body: MilkBody; state: 'pending' | 'failed'; error?: QueuedError }): Row => {
    const tag = h('input', { type: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', 'data-testid': 'milk-tag-input' });
    const qty = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', 'data-testid': 'milk-qty-input' });
    const fat = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', 'data-testid': 'milk-fat-input' });
    const snf = h('input', { type: 'text', inputmode: 'decimal', autocomplete: 'off', 'data-testid': 'milk-snf-input' });
    const status = h('div', { class: 'milk-status', role: 'status' });
    const extra = h('div', { class: 'milk-extra' });
    const el = h('div', { class: 'milk-row', 'data-testid': 'milk-row', 'data-state': 'new' });
    const row: Row = { el, key: from?.key ?? newKey(), tag, saved: null, outcome: () => {} };
    let sent: MilkBody | null = from?.body ?? null;
    // A record the server refused while this screen was closed: dropped from the queue once
    // the row is saved or discarded.
    const refusedKey = from?.state === 'failed' ? from.key : null;
    const inputs = [tag, qty, fat, snf];
    const editable = (yes: boolean) => inputs.forEach((i) => (i.readOnly = !yes));
    const setState = (s: string, label: string | Node | null) => {
      el.setAttribute('data-state', s);
      replace(status, label);
    };

    const saved = (r: MilkRecord, corrected: boolean) => {
      row.saved = r;
      qty.value = mlToLitres(r.quantity_ml);
      forget(row.key);
      if (refusedKey) forget(refusedKey);
      editable(false);
      replace(extra);
      clearErrors(el);
      el.classList.toggle('withheld', r.withheld);
      setState(
        'saved',
        h(
          'span',
          {},
          h('span', { class: 'saved', 'data-testid': 'milk-saved', 'data-record-id': r.id, 'data-quantity-ml': String(r.quantity_ml) }, corrected ? '✓ corrected' : '✓ saved'),
          ` ${mlToLitres(r.quantity_ml)} L, grade ${r.grade} `,
          r.withheld ? withdrawalBadge('withheld: not for sale') : null,
        ),
      );
      count(r);
    };
    const refused = (e: unknown, body: MilkBody) => {
      row.key = newKey(); // nothing was saved: the next attempt is a new request
      editable(true);
      setState('error', null);
      showErrors(el, forRow(e));
      if (e instanceof ApiError && e.code === 'milk_already_recorded' && !body.correction) offerCorrection(body);
    };
    const send = async (body: MilkBody, corrected: boolean) => {
      sent = body;
      editable(false);
      setState('saving', 'saving…');
      showTotal();
      try {
        saved(await saveMilk(row.key, body), corrected);
      } catch (e) {
        if (retryable(e)) {
          setState('pending', h('span', { class: 'badge pending' }, 'not sent yet: retrying'));
        } else {
          refused(e, body);
        }
      }
      showTotal();
    };
    const offerCorrection = (body: MilkBody) => {
      const reason = h('input', { type: 'text', maxlength: 200, 'data-testid': 'milk-correction-reason' });
      const go = h('button', { type: 'button', 'data-testid': 'milk-correct' }, 'Save as correction');
      const ask = field('Reason for the correction', 'correction.reason', reason);
      ask.hidden = true;
      const submit = () => {
        if (!reason.value.trim()) {
          showErrors(el, invalid('correction.reason', 'Say why the recorded milk is corrected.'));
          return;
        }
        void send({ ...body, correction: { reason: reason.value.trim() } }, true);
      };
      go.addEventListener('click', () => {
        if (ask.hidden) {
          ask.hidden = false;
          reason.focus();
        } else {
          submit();
        }
      });
      reason.addEventListener('keydown', (ev) => {
        if (ev.key !== 'Enter') return;
        ev.preventDefault();
        submit();
      });
      replace(extra, go, ask);
    };

    const save = () => {
      if (row.saved || el.getAttribute('data-state') === 'saving' || el.getAttribute('data-state') === 'pending') return;
      clearErrors(el);
      const t = tag.value.trim();
      if (!t) {
        showErrors(el, invalid('ear_tag', 'Type the cow\u2019s ear tag.'));
        tag.focus();
        return;
      }
      const ml = litresToMl(qty.value);
      if (ml === null) {
        showErrors(el, invalid('quantity_ml', 'Litres as a number with at most 3 decimals, such as 12.5.'));
        qty.focus();
        return;
      }
      const body: MilkBody = { ear_tag: t, day: day.value, session: session.value, quantity_ml: ml };
      for (const [input, name] of [
        [fat, 'fat'],
        [snf, 'snf'],
      ] as const) {
        if (!input.value.trim()) continue;
        const v = percent(input.value);
        if (v === null) {
          showErrors(el, invalid(name, `${name === 'fat' ? 'Fat' : 'SNF'} as a percentage with at most 2 decimals, such as 4.25.`));
          input.focus();
          return;
        }
        body[name] = v;
      }
      // Speed first: the next cow's row is ready while this one is being saved.
      if (lastRow() === row) addRow().tag.focus();
      else lastRow().tag.focus();
      void send(body, false);
    };

    const enterSaves = (ev: KeyboardEvent) => {
      if (ev.key !== 'Enter') return;
      ev.preventDefault();
      save();
    };
    qty.addEventListener('keydown', enterSaves);
    fat.addEventListener('keydown', enterSaves);
    snf.addEventListener('keydown', enterSaves);
    const list = tagCombobox(tag, () => {
      if (!row.saved && tag.value.trim()) qty.focus();
    });
    const tagField = field('Ear tag', 'ear_tag', tag);
    tagField.classList.add('combo');
    tagField.insertBefore(list, tagField.querySelector('.field-error'));
    append(
      el,
      tagField,
      field('Litres', 'quantity_ml', qty),
      field('Fat %', 'fat', fat),
      field('SNF %', 'snf', snf),
      status,
      extra,
      formError(),
    );
    rows.appendChild(el);
    all.push(row);

    if (from) {
      tag.value = from.body.ear_tag;
      qty.value = mlToLitres(from.body.quantity_ml);
      if (from.body.fat !== undefined) fat.value = String(from.body.fat);
      if (from.body.snf !== undefined) snf.value = String(from.body.snf);
      if (from.state === 'pending') {
        editable(false);
        setState('pending', h('span', { class: 'badge pending' }, 'not sent yet: retrying'));
      } else {
        const e = from.error;
        refused(new ApiError(e?.status ?? 422, e?.code ?? 'refused', e?.message ?? 'The server refused this record.', e?.details ?? []), from.body);
        const discard = h('button', { type: 'button', class: 'link' }, 'Discard');
        discard.addEventListener('click', () => {
          forget(from.key);
          all.splice(all.indexOf(row), 1);
          el.remove();
        });
        append(extra, discard);
      }
    }
    row.outcome = (o: Outcome) => {
      if ('record' in o) saved(o.record, Boolean(sent?.correction));
      else if (sent) refused(o.error, sent);
    };
    return row;
  };

  // Records saved by the background retries land on their rows.
  const stop = onOutcome((key, o) => {
    const row = all.find((r) => r.key === key && !r.saved);
    if (row) {
      row.outcome(o);
      forget(key); // a refusal is now on the screen, its row the one to fix
    }
    showTotal();
  });

  for (const q of queued()) addRow(q);
  addRow().tag.focus();
  await loadTotal();
  void flushMilk();
  return stop;
}
