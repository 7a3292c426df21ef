/** Tendances (analyst key): emerging phrases with support, sources and score, a chart of their share, an export. */
import { call, keys } from "../api.js";
import { decimal, integer, percent, romeCode } from "../logic/format.js";
import { shareSeries, TREND_STATUS } from "../logic/trends.js";
import { lineChart } from "../ui/chart.js";
import { errorBox, ficheLink, fill, h, keyPanel, nextId, withBusy } from "../ui/dom.js";
import type { Page } from "../main.js";
import type { Emerging, TrendReport } from "../types.js";

export const tendancesPage: Page = {
  title: "Tendances",
  render(root) {
    const field = (label: string, input: HTMLInputElement | HTMLSelectElement, help?: string) => {
      input.id ||= nextId("f");
      return h(
        "div",
        { class: "field" },
        h("label", { for: input.id }, label),
        input,
        help ? h("p", { class: "help" }, help) : null,
      );
    };
    const period = h(
      "select",
      { name: "period" },
      h("option", { value: "month" }, "Mois"),
      h("option", { value: "week" }, "Semaine"),
    );
    const from = h("input", { type: "date", name: "from" });
    const to = h("input", { type: "date", name: "to" });
    const metier = h("input", {
      type: "text",
      name: "metier",
      maxlength: 5,
      autocomplete: "off",
      placeholder: "ex. M1203",
    });
    const minSupport = h("input", { type: "number", name: "minSupport", min: 5, value: 20, inputmode: "numeric" });
    const minSources = h("input", { type: "number", name: "minSources", min: 1, value: 2, inputmode: "numeric" });
    const results = h("section", { class: "results", "aria-labelledby": "titre-resultats" });
    const query = () => ({
      period: period.value,
      from: from.value || undefined,
      to: to.value || undefined,
      metier: romeCode(metier.value) ?? undefined,
      minSupport: minSupport.value || undefined,
      minSources: minSources.value || undefined,
      limit: 20,
    });
    const load = async () => {
      if (metier.value.trim() && !romeCode(metier.value)) {
        results.replaceChildren(
          h(
            "p",
            { class: "alert alert-error", role: "alert" },
            "Le métier doit être un code ROME (une lettre de A à N et quatre chiffres).",
          ),
        );
        return;
      }
      const q = query();
      const report = await withBusy(results, "Analyse du lac en cours…", () =>
        call<TrendReport>("/v1/trends/emerging", { role: "analyst", query: q }),
      );
      if (report) showReport(results, report, q);
    };
    root.append(
      h(
        "p",
        { class: "lead" },
        "Expressions que le marché emploie et que le ROME ne dit pas encore, en hausse dans le temps. " +
          "Agrégats seulement : chaque expression s'appuie sur un minimum de documents et de sources.",
      ),
      keyPanel("analyst", () => (keys.get("analyst") ? void load() : results.replaceChildren())),
      h(
        "form",
        { class: "card filters-grid", onsubmit: (ev: Event) => (ev.preventDefault(), void load()) },
        field("Période", period),
        field("Du", from),
        field("Au (exclu)", to),
        field("Métier (code ROME)", metier),
        field("Documents au minimum", minSupport, "5 au moins."),
        field("Sources distinctes au minimum", minSources),
        h("div", { class: "field field-submit" }, h("button", { type: "submit" }, "Afficher les tendances")),
      ),
      results,
    );
    if (keys.get("analyst")) void load();
  },
};

function showReport(region: HTMLElement, r: TrendReport, q: Record<string, unknown>): void {
  const d = r.documents;
  const detail = h("div", { class: "trend-detail" });
  const select = (e: Emerging, button?: HTMLButtonElement) => {
    for (const b of region.querySelectorAll("button[aria-pressed]")) b.setAttribute("aria-pressed", "false");
    button?.setAttribute("aria-pressed", "true");
    detail.replaceChildren(
      phraseDetail(
        e,
        q,
        (r.periods ?? []).map((p) => p.period),
      ),
    );
  };
  const statusText = TREND_STATUS[r.status] ?? r.message ?? "";
  fill(
    region,
    h("h2", { id: "titre-resultats", tabindex: "-1" }, "Expressions émergentes"),
    d
      ? h(
          "p",
          { class: "help" },
          `${integer(d.total)} document(s) (${integer(d.offers)} offres, ${integer(d.cvs)} CV) ` +
            `de ${integer(d.sources)} source(s) ; ${r.periods?.length ?? 0} période(s) ; ` +
            `${r.tested ?? 0} expression(s) testée(s).`,
        )
      : null,
    statusText ? h("p", { class: "alert", role: "status" }, statusText) : null,
    r.emerging.length
      ? h(
          "div",
          { class: "table-wrap", tabindex: "0", role: "region", "aria-label": "Tableau des expressions émergentes" },
          h(
            "table",
            { class: "trends" },
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                ["Expression", "Documents", "Sources", "Part avant → après", "Score"].map((t) =>
                  h("th", { scope: "col" }, t),
                ),
                h("th", { scope: "col" }, h("span", { class: "sr-only" }, "Détail")),
              ),
            ),
            h(
              "tbody",
              null,
              r.emerging.map((e, i) => {
                const f = e.figures;
                const b = h(
                  "button",
                  {
                    type: "button",
                    class: "secondary",
                    "aria-pressed": i === 0 ? "true" : "false",
                    onclick: (ev: Event) => select(e, ev.currentTarget as HTMLButtonElement),
                  },
                  h("span", { class: "sr-only" }, `${e.label} : `),
                  "Détail",
                );
                return h(
                  "tr",
                  null,
                  h("th", { scope: "row" }, e.label),
                  h("td", null, integer(f.support ?? NaN)),
                  h("td", null, integer(f.sources ?? NaN)),
                  h("td", null, `${percent(f.baselineShare ?? NaN, true)} → ${percent(f.recentShare ?? NaN, true)}`),
                  h("td", null, decimal(f.growthScore ?? NaN)),
                  h("td", null, b),
                );
              }),
            ),
          ),
        )
      : r.status === "ok"
        ? h("p", null, "Aucune expression ne ressort avec ces seuils.")
        : null,
    detail,
  );
  if (r.emerging[0])
    select(r.emerging[0], region.querySelector<HTMLButtonElement>("button[aria-pressed]") ?? undefined);
}

function phraseDetail(e: Emerging, q: Record<string, unknown>, periods: string[]): HTMLElement {
  const series = shareSeries(e.series, periods);
  const a = e.attachment;
  const exportOut = h("div", { class: "export-out" });
  const exportProposal = async () => {
    exportOut.replaceChildren();
    try {
      const p = await call<unknown>("/v1/trends/proposal", { role: "analyst", query: { ...q, phrase: e.key } });
      const json = JSON.stringify(p, null, 2);
      const url = URL.createObjectURL(new Blob([json], { type: "application/json" }));
      const link = h(
        "a",
        { href: url, download: `proposition-rome-${e.key.replace(/[^\p{L}\p{N}]+/gu, "-")}.json` },
        "Télécharger la proposition (JSON)",
      );
      exportOut.replaceChildren(
        h("p", { role: "status" }, "Proposition prête. ", link),
        h("details", null, h("summary", null, "Aperçu"), h("pre", { class: "mono small" }, json)),
      );
      link.focus();
    } catch (err) {
      exportOut.replaceChildren(errorBox(err));
    }
  };
  return h(
    "article",
    { class: "card", "aria-labelledby": "titre-expression" },
    h("h3", { id: "titre-expression", tabindex: "-1" }, `« ${e.label} »`),
    e.variants?.length ? h("p", { class: "small muted" }, `Formes rencontrées : ${e.variants.join(", ")}`) : null,
    series.length
      ? lineChart(series, `Part des documents qui emploient « ${e.label} », par période`)
      : h("p", { class: "muted" }, "Pas de série par période dans cette réponse."),
    h(
      "div",
      { class: "two-cols" },
      h(
        "section",
        { class: "col", "aria-label": "Rattachement au ROME" },
        h("h4", null, "Où la rattacher dans le ROME"),
        a?.macroCompetence
          ? h(
              "p",
              null,
              "Macro-compétence : ",
              h("strong", null, a.macroCompetence.libelle),
              h("span", { class: "muted small" }, ` (${a.macroCompetence.code})`),
            )
          : h("p", { class: "muted" }, "Aucune macro-compétence proche."),
        a?.competences.length
          ? h(
              "ul",
              { class: "plain small" },
              a.competences.slice(0, 5).map((c) => h("li", null, `${c.libelle} (${decimal(c.similarity)})`)),
            )
          : null,
        e.metiers?.length
          ? [
              h("h4", null, "Métiers concernés"),
              h(
                "ul",
                { class: "plain small" },
                e.metiers
                  .slice(0, 8)
                  .map((m) => h("li", null, ficheLink(m.code, m.libelle), ` — ${integer(m.documents)} doc.`)),
              ),
            ]
          : null,
        e.cooccurring?.length
          ? [
              h("h4", null, "Souvent avec"),
              h(
                "p",
                { class: "small" },
                e.cooccurring
                  .slice(0, 8)
                  .map((c) => c.libelle)
                  .join(" · "),
              ),
            ]
          : null,
      ),
      h(
        "section",
        { class: "col", "aria-label": "Contexte" },
        h("h4", null, "Exemples en contexte (offres)"),
        e.evidence?.length
          ? h(
              "ul",
              { class: "plain snippets" },
              e.evidence
                .slice(0, 6)
                .map((x) =>
                  h(
                    "li",
                    null,
                    h("span", { class: "muted small" }, `${x.date.slice(0, 10)} · `),
                    h("q", null, x.snippet),
                  ),
                ),
            )
          : h("p", { class: "muted" }, "Aucun extrait."),
        contextsOf(e),
      ),
    ),
    h(
      "div",
      { class: "inline" },
      h(
        "button",
        { type: "button", onclick: () => void exportProposal() },
        "Exporter une proposition d'évolution du ROME",
      ),
    ),
    exportOut,
  );
}

/** Context phrases when the service gives them (a list of strings or of {text}); nothing otherwise. */
function contextsOf(e: Emerging): HTMLElement | null {
  const list = Array.isArray(e.contexts) ? e.contexts : [];
  const texts = list
    .map((c) =>
      typeof c === "string"
        ? c
        : c && typeof c === "object" && typeof (c as { text?: unknown }).text === "string"
          ? (c as { text: string }).text
          : null,
    )
    .filter((t): t is string => !!t);
  return texts.length
    ? h(
        "div",
        null,
        h("h4", null, "Contextes"),
        h(
          "ul",
          { class: "plain small" },
          texts.slice(0, 8).map((t) => h("li", null, t)),
        ),
      )
    : null;
}
