/** Geometry of a line chart (pure, no DOM): points, ticks and labels for the SVG the Tendances page draws. */

export interface SeriesPoint {
  period: string;
  value: number;
}

export interface ChartBox {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface ChartGeometry {
  points: { x: number; y: number; period: string; value: number }[];
  yTicks: { y: number; value: number }[];
  /** Indexes of the periods labelled on the x axis (all when few, else evenly spaced, always the last). */
  xLabels: number[];
  yMax: number;
}

/** A "nice" upper bound (1, 2, 2.5 or 5 × 10^k) at or above `v`, so ticks fall on round values. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v - 1e-12) return m * p;
  return 10 * p;
}

export function chartGeometry(series: readonly SeriesPoint[], box: ChartBox, maxXLabels = 6): ChartGeometry {
  const plotW = box.width - box.left - box.right;
  const plotH = box.height - box.top - box.bottom;
  const yMax = niceMax(Math.max(0, ...series.map((p) => (Number.isFinite(p.value) ? p.value : 0))));
  const n = series.length;
  const x = (i: number) => box.left + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const y = (v: number) => box.top + plotH - (Math.max(0, Number.isFinite(v) ? v : 0) / yMax) * plotH;
  const points = series.map((p, i) => ({ x: round(x(i)), y: round(y(p.value)), period: p.period, value: p.value }));
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ y: round(y(f * yMax)), value: f * yMax }));
  const step = Math.max(1, Math.ceil(n / maxXLabels));
  const xLabels: number[] = [];
  for (let i = 0; i < n; i += step) xLabels.push(i);
  if (n > 0 && xLabels[xLabels.length - 1] !== n - 1) {
    // The last period matters most for a rise: label it, dropping a neighbour that would overlap.
    if (xLabels.length > 1 && n - 1 - xLabels[xLabels.length - 1]! < step / 2) xLabels.pop();
    xLabels.push(n - 1);
  }
  return { points, yTicks, xLabels, yMax };
}

const round = (v: number) => Math.round(v * 10) / 10;
