/** Server-rendered SVG charts (no script, print and copy as they are); every value is also in the table beside. */
import { html, type Html } from '../console/console.html.js';

const W = 640;

/** Vertical bars, one per label (days, weeks, rating 1–5). */
export function barChart({ title, points, height = 180 }: { title: string; points: Array<{ label: string; value: number }>; height?: number }): Html {
  const max = Math.max(1, ...points.map((p) => p.value));
  const plot = height - 40;
  const step = points.length === 0 ? W : (W - 40) / points.length;
  const bar = Math.max(2, step * 0.7);
  const every = Math.max(1, Math.ceil(points.length / 12));
  return html`<svg class="chart" role="img" aria-label="${title}" viewBox="0 0 ${W} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg">
<title>${title}</title>
<line x1="30" y1="${plot + 10}" x2="${W}" y2="${plot + 10}" stroke="#8a99a8"/>
<text x="2" y="16" font-size="11" fill="#5b6b7b">${max}</text>
${points.map((p, i) => {
  const h = Math.round((p.value / max) * plot);
  const x = Math.round(35 + i * step);
  return html`<rect x="${x}" y="${plot + 10 - h}" width="${Math.round(bar)}" height="${h}" fill="#0b5cab"><title>${p.label}: ${p.value}</title></rect>${
    i % every === 0 ? html`<text x="${x}" y="${height - 6}" font-size="10" fill="#5b6b7b">${p.label}</text>` : ''
  }`;
})}
</svg>`;
}

const COLORS = ['#b3261e', '#1f7a3a', '#0b5cab', '#8a99a8', '#8a5a00', '#5b3a9b'];

/** One horizontal bar split into shares that add up to at most 100 %. */
export function shareBar({ title, parts }: { title: string; parts: Array<{ label: string; value: number }> }): Html {
  const total = parts.reduce((s, p) => s + p.value, 0);
  let x = 0;
  return html`<svg class="chart" role="img" aria-label="${title}" viewBox="0 0 ${W} 60" width="100%" xmlns="http://www.w3.org/2000/svg">
<title>${title}</title>
${
  total === 0
    ? html`<rect x="0" y="10" width="${W}" height="28" fill="#eef1f4"/>`
    : parts.map((p, i) => {
        const w = (p.value / total) * W;
        const out = html`<rect x="${x.toFixed(1)}" y="10" width="${w.toFixed(1)}" height="28" fill="${COLORS[i % COLORS.length]!}"><title>${p.label}: ${p.value}</title></rect>`;
        x += w;
        return out;
      })
}
</svg>`;
}
