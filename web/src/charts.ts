import { svg } from './dom';

// Hand-written SVG charts: no library, no inline style (colours come from CSS classes).

export interface Bar {
  label: string;
  value: number;
  title: string; // tooltip text, e.g. "09:00 — BDT 1,250.00 (4 orders)"
  className?: string;
  marker?: number; // a reference line on this bar (stock: the reorder point)
}

// Vertical bars with a label under every `labelEvery`-th bar.
export function columnChart(bars: Bar[], opts: { labelEvery?: number; ariaLabel: string }): SVGElement {
  const w = 960;
  const hgt = 260;
  const pad = { l: 8, r: 8, t: 12, b: 28 };
  const max = Math.max(1, ...bars.map((b) => b.value));
  const n = Math.max(1, bars.length);
  const slot = (w - pad.l - pad.r) / n;
  const every = opts.labelEvery ?? 1;
  const root = svg('svg', {
    viewBox: `0 0 ${w} ${hgt}`,
    class: 'chart',
    role: 'img',
    'aria-label': opts.ariaLabel,
  });
  root.appendChild(
    svg('line', { x1: pad.l, x2: w - pad.r, y1: hgt - pad.b, y2: hgt - pad.b, class: 'axis' }),
  );
  bars.forEach((b, i) => {
    const bh = ((hgt - pad.t - pad.b) * b.value) / max;
    const x = pad.l + i * slot + slot * 0.15;
    const rect = svg('rect', {
      x: x.toFixed(1),
      y: (hgt - pad.b - bh).toFixed(1),
      width: (slot * 0.7).toFixed(1),
      height: Math.max(0, bh).toFixed(1),
      class: 'bar ' + (b.className ?? ''),
      'data-value': b.value,
    });
    rect.appendChild(svg('title', {}, b.title));
    root.appendChild(rect);
    if (i % every === 0) {
      root.appendChild(
        svg('text', { x: (pad.l + i * slot + slot / 2).toFixed(1), y: hgt - 10, class: 'tick' }, b.label),
      );
    }
  });
  return root;
}

// Horizontal bars, one row per item, with an optional marker line (reorder point).
export function barList(bars: Bar[], opts: { ariaLabel: string }): SVGElement {
  const w = 640;
  const row = 26;
  const labelW = 190;
  const hgt = Math.max(row, bars.length * row) + 8;
  const max = Math.max(1, ...bars.map((b) => Math.max(b.value, b.marker ?? 0)));
  const span = w - labelW - 70;
  const root = svg('svg', {
    viewBox: `0 0 ${w} ${hgt}`,
    class: 'chart bars',
    role: 'img',
    'aria-label': opts.ariaLabel,
  });
  bars.forEach((b, i) => {
    const y = 4 + i * row;
    root.appendChild(svg('text', { x: labelW - 8, y: y + 16, class: 'label' }, b.label));
    const bw = (span * Math.max(0, b.value)) / max;
    const rect = svg('rect', {
      x: labelW,
      y: y + 3,
      width: bw.toFixed(1),
      height: row - 8,
      class: 'bar ' + (b.className ?? ''),
      'data-value': b.value,
    });
    rect.appendChild(svg('title', {}, b.title));
    root.appendChild(rect);
    root.appendChild(svg('text', { x: labelW + bw + 6, y: y + 16, class: 'value' }, String(b.value)));
    if (b.marker !== undefined) {
      const mx = labelW + (span * b.marker) / max;
      root.appendChild(
        svg('line', { x1: mx.toFixed(1), x2: mx.toFixed(1), y1: y + 1, y2: y + row - 3, class: 'marker' }),
      );
    }
  });
  return root;
}
