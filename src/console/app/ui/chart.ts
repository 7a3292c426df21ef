/** A line chart in SVG (no library): share of documents per period, with a data table for screen readers. */
import { chartGeometry, type SeriesPoint } from "../logic/chart.js";
import { percent } from "../logic/format.js";
import { h, nextId } from "./dom.js";

const NS = "http://www.w3.org/2000/svg";
function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number>,
  ...children: (SVGElement | string)[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const c of children) el.append(c);
  return el;
}

export function lineChart(series: SeriesPoint[], title: string): HTMLElement {
  const box = { width: 640, height: 260, left: 52, right: 16, top: 16, bottom: 40 };
  const g = chartGeometry(series, box);
  const titleId = nextId("graphe");
  const descId = nextId("graphe-desc");
  const first = series[0];
  const lastP = series[series.length - 1];
  const desc =
    first && lastP
      ? `Part des documents, de ${percent(first.value, true)} en ${first.period} ` +
        `à ${percent(lastP.value, true)} en ${lastP.period} ; ` +
        `maximum ${percent(Math.max(...series.map((p) => p.value)), true)}.`
      : "Aucune donnée.";
  const root = svg(
    "svg",
    {
      viewBox: `0 0 ${box.width} ${box.height}`,
      class: "chart",
      role: "img",
      "aria-labelledby": `${titleId} ${descId}`,
      preserveAspectRatio: "xMidYMid meet",
    },
    svg("title", { id: titleId }, title),
    svg("desc", { id: descId }, desc),
  );
  for (const t of g.yTicks) {
    root.append(svg("line", { x1: box.left, x2: box.width - box.right, y1: t.y, y2: t.y, class: "grid" }));
    root.append(
      svg("text", { x: box.left - 6, y: t.y + 4, "text-anchor": "end", class: "axis" }, percent(t.value, g.yMax < 0.1)),
    );
  }
  const baseY = box.height - box.bottom;
  for (const i of g.xLabels) {
    const p = g.points[i]!;
    root.append(svg("line", { x1: p.x, x2: p.x, y1: baseY, y2: baseY + 4, class: "tick" }));
    root.append(svg("text", { x: p.x, y: baseY + 18, "text-anchor": "middle", class: "axis" }, p.period));
  }
  if (g.points.length)
    root.append(svg("polyline", { points: g.points.map((p) => `${p.x},${p.y}`).join(" "), class: "line" }));
  for (const p of g.points)
    root.append(
      svg(
        "circle",
        { cx: p.x, cy: p.y, r: 3.5, class: "dot" },
        svg("title", {}, `${p.period} : ${percent(p.value, true)}`),
      ),
    );
  const table = h(
    "details",
    { class: "chart-data" },
    h("summary", null, "Données du graphique"),
    h(
      "div",
      { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Données du graphique" },
      h(
        "table",
        null,
        h(
          "thead",
          null,
          h("tr", null, h("th", { scope: "col" }, "Période"), h("th", { scope: "col" }, "Part des documents")),
        ),
        h(
          "tbody",
          null,
          series.map((p) => h("tr", null, h("td", null, p.period), h("td", null, percent(p.value, true)))),
        ),
      ),
    ),
  );
  const fig = h("figure", { class: "chart-figure" });
  fig.append(root, h("figcaption", { class: "small muted" }, title), table);
  return fig;
}
