/** Analyser un texte: an offer or a CV → ranked métiers, score breakdown, highlighted evidence, experiences. */
import { call } from "../api.js";
import { colourSlots, type Mark } from "../logic/spans.js";
import { decimal, percent, STATUS_LABEL, STATUS_REASON } from "../logic/format.js";
import { bar, coeurTag, ficheLink, h, nextId, withBusy } from "../ui/dom.js";
import type { Page } from "../main.js";
import type { MatchResponse, MetierMatch } from "../types.js";
import {
  experiencesPart,
  fillMcNames,
  highlighted,
  legend,
  requiredPart,
  skillsPart,
  spansOf,
  swatch,
} from "./analyse-parts.js";

/** Métiers shown open; the others wait behind a disclosure (the text and its evidence come next on a phone). */
const TOP_SHOWN = 3;
/** Colours of the MC palette in style.css (.ev-0 … .ev-7). */
const SLOTS = 8;
const SCORE_PARTS: [keyof MetierMatch["score"] & string, string][] = [
  ["title", "Titre ↔ appellations"],
  ["body", "Texte ↔ fiche"],
  ["mcOverlap", "Macro-compétences communes"],
  ["exemplars", "Offres étiquetées proches"],
];

/** The last analysis, in memory only (never stored: a CV is personal data), so coming back from a fiche shows it. */
let last: { text: string; title: string; kind: "offer" | "cv"; result: MatchResponse } | null = null;

export const analysePage: Page = {
  title: "Analyser un texte",
  render(root) {
    const textId = nextId("texte");
    const titleId = nextId("titre");
    const textarea = h("textarea", {
      id: textId,
      name: "text",
      rows: 12,
      required: true,
      maxlength: 50000,
      "aria-describedby": `${textId}-aide`,
    });
    const titleInput = h("input", { id: titleId, name: "title", type: "text", maxlength: 300, autocomplete: "off" });
    const kindOffer = h("input", { type: "radio", name: "kind", value: "offer", id: nextId("kind"), checked: true });
    const kindCv = h("input", { type: "radio", name: "kind", value: "cv", id: nextId("kind") });
    const results = h("section", { class: "results", "aria-labelledby": "titre-resultats" });
    const form = h(
      "form",
      { class: "card form-analyse", onsubmit: (ev: Event) => (ev.preventDefault(), void submit()) },
      h(
        "fieldset",
        { class: "inline-fieldset" },
        h("legend", null, "Type de texte"),
        h("label", { for: kindOffer.id }, kindOffer, " Offre d'emploi"),
        h("label", { for: kindCv.id }, kindCv, " CV"),
      ),
      h("label", { for: titleId }, "Intitulé (facultatif)"),
      titleInput,
      h("label", { for: textId }, "Texte"),
      textarea,
      h(
        "p",
        { class: "help", id: `${textId}-aide` },
        "Collez le texte d'une offre ou d'un CV. Rien n'est enregistré : le texte est analysé puis oublié.",
      ),
      h("button", { type: "submit" }, "Analyser"),
    );
    root.append(form, results);

    const submit = async () => {
      const text = textarea.value;
      if (!text.trim()) {
        textarea.focus();
        return;
      }
      const kind = kindCv.checked ? "cv" : "offer";
      const title = titleInput.value.trim();
      const result = await withBusy(results, "Analyse en cours…", () =>
        call<MatchResponse>("/v1/match", {
          method: "POST",
          body: { text, kind, topK: 10, ...(title ? { title } : {}) },
        }),
      );
      if (!result) return;
      last = { text, title, kind, result };
      showResult(results, text, result);
      results.querySelector<HTMLElement>("#titre-resultats")?.focus();
    };

    if (last) {
      textarea.value = last.text;
      titleInput.value = last.title;
      (last.kind === "cv" ? kindCv : kindOffer).checked = true;
      showResult(results, last.text, last.result);
    }
  },
};

function showResult(region: HTMLElement, text: string, r: MatchResponse): void {
  const mcNames = new Map<string, string>();
  for (const m of r.metiers)
    for (const mc of [...(m.sharedMacroCompetences ?? []), ...(m.missingMacroCompetences ?? [])])
      mcNames.set(mc.code, mc.libelle);
  const experiences = Array.isArray(r.experiences) ? r.experiences : [];

  const marks: Mark[] = [];
  for (const s of r.skills ?? []) {
    const group = s.macroCompetence ?? "savoir";
    for (const e of s.evidence ?? [])
      marks.push({
        start: e.start,
        end: e.end,
        group,
        label: `${s.kind === "savoir" ? "Savoir" : "Compétence"} : ${s.libelle}`,
        score: s.score,
      });
  }
  experiences.forEach((x, i) => {
    for (const sp of spansOf(x.spans))
      marks.push({
        start: sp.start,
        end: sp.end,
        group: "experience",
        label: `Expérience ${i + 1}${x.title ? ` : ${x.title}` : ""}`,
        score: -1,
      });
  });
  const slots = colourSlots(
    marks.filter((m) => m.group !== "savoir" && m.group !== "experience").map((m) => m.group),
    SLOTS,
  );

  const status = h(
    "p",
    { class: `status status-${r.status}` },
    h("strong", null, `Statut : ${STATUS_LABEL[r.status] ?? r.status}`),
    r.statusReason ? ` — ${STATUS_REASON[r.statusReason] ?? r.statusReason}` : null,
    r.evidenceLeader ? [" (le texte soutient plutôt ", ficheLink(r.evidenceLeader), ")"] : null,
    r.timings ? h("span", { class: "muted" }, ` · ${Math.round(r.timings.totalMs)} ms`) : null,
  );

  const metiers = h(
    "section",
    { class: "col", "aria-labelledby": "titre-metiers" },
    h("h3", { id: "titre-metiers" }, "Métiers classés"),
    r.metiers.length
      ? h(
          "ol",
          { class: "metiers" },
          r.metiers.slice(0, TOP_SHOWN).map((m, i) => metierCard(m, i, slots)),
        )
      : h("p", null, "Aucun métier ne correspond à ce texte."),
    r.metiers.length > TOP_SHOWN
      ? h(
          "details",
          { class: "more" },
          h("summary", null, `Voir les ${r.metiers.length - TOP_SHOWN} métiers suivants`),
          h(
            "ol",
            { class: "metiers", start: TOP_SHOWN + 1 },
            r.metiers.slice(TOP_SHOWN).map((m, i) => metierCard(m, i + TOP_SHOWN, slots)),
          ),
        )
      : null,
  );

  const textPart = h(
    "section",
    { class: "col", "aria-labelledby": "titre-texte" },
    h("h3", { id: "titre-texte" }, "Texte et preuves"),
    marks.length
      ? h(
          "p",
          { class: "help" },
          "Chaque passage surligné montre un élément ROME ; survolez-le ou atteignez-le au clavier (Tab) " +
            "pour le lire. Une couleur par macro-compétence.",
        )
      : h("p", { class: "help" }, "Aucun passage du texte n'a été relié à un élément ROME."),
    highlighted(text, marks, slots),
    legend(marks, slots, mcNames),
  );
  const extras: HTMLElement[] = [];
  if (r.kind === "cv") extras.push(experiencesPart(experiences, r.experiences === undefined));
  if (r.kind === "offer" && r.requiredSkills?.length) extras.push(requiredPart(r));
  if (r.skills?.length) extras.push(skillsPart(r));

  region.replaceChildren(
    h("h2", { id: "titre-resultats", tabindex: "-1" }, "Résultats"),
    status,
    h("div", { class: "two-cols" }, metiers, h("div", { class: "col" }, textPart, ...extras)),
  );
  void fillMcNames(region, marks, mcNames);
}

function metierCard(m: MetierMatch, i: number, slots: Map<string, number>): HTMLElement {
  const shared = m.sharedMacroCompetences ?? [];
  const missing = m.missingMacroCompetences ?? [];
  const details = h(
    "details",
    { class: "explain", open: i === 0 },
    h("summary", null, "Pourquoi ce métier ?"),
    h(
      "div",
      { class: "bars", role: "group", "aria-label": "Décomposition du score" },
      SCORE_PARTS.map(([k, label]) => bar(label, m.score[k] ?? 0, decimal(m.score[k] ?? 0))),
    ),
    h(
      "p",
      { class: "muted small" },
      `Interactions : ${decimal(m.score.interactions ?? 0)} · score total : ${decimal(m.score.total ?? 0)}`,
    ),
    h("h5", null, `Macro-compétences communes (${shared.length})`),
    shared.length
      ? h(
          "ul",
          { class: "mc-list" },
          shared.map((mc) =>
            h(
              "li",
              null,
              swatch(slots.get(mc.code)),
              mc.libelle,
              coeurTag(mc.coeurMetier),
              mc.evidence?.length
                ? h("span", { class: "quote" }, ` « ${mc.evidence.map((e) => e.text).join(" … ")} »`)
                : null,
            ),
          ),
        )
      : h("p", { class: "muted" }, "Aucune macro-compétence du métier n'a été trouvée dans le texte."),
    h("h5", null, `Macro-compétences manquantes (${missing.length})`),
    missing.length
      ? h(
          "ul",
          { class: "mc-list" },
          missing.map((mc) => h("li", null, mc.libelle, coeurTag(mc.coeurMetier))),
        )
      : h("p", { class: "muted" }, "Aucune."),
    m.unusedSkills?.length
      ? [
          h("h5", null, "Éléments du texte que ce métier n'utilise pas"),
          h("p", { class: "small" }, m.unusedSkills.map((s) => s.libelle).join(" · ")),
        ]
      : null,
  );
  return h(
    "li",
    { class: "card metier", "data-code": m.code },
    h(
      "div",
      { class: "metier-head" },
      h("h4", null, h("span", { class: "rank" }, `${i + 1}.`), " ", ficheLink(m.code, m.libelle)),
      h("span", { class: "confidence" }, h("span", { class: "sr-only" }, "confiance "), percent(m.confidence)),
    ),
    m.appellation
      ? h("p", { class: "small" }, "Appellation la plus proche : ", h("strong", null, m.appellation.libelle))
      : null,
    m.parentOf ? h("p", { class: "small muted" }, `Fiche parente de ${m.parentOf}`) : null,
    details,
  );
}
