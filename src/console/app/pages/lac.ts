/** Lac (advisor key): a document's nearest documents with shared / missing MCs, and right / wrong feedback. */
import { call, keys } from "../api.js";
import { decimal, percent, romeCode } from "../logic/format.js";
import { errorBox, coeurTag, ficheLink, h, keyPanel, nameFicheLinks, nextId, withBusy } from "../ui/dom.js";
import type { Page } from "../main.js";
import type { SimilarResponse, StoredDocument } from "../types.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KIND = { offer: "offre", cv: "CV" } as Record<string, string>;

export const lacPage: Page = {
  title: "Lac de documents",
  render(root, params) {
    const idId = nextId("doc");
    const idInput = h("input", {
      id: idId,
      type: "text",
      name: "id",
      autocomplete: "off",
      spellcheck: "false",
      required: true,
      "aria-describedby": `${idId}-aide`,
      value: params[0] ?? "",
    });
    const kind = h(
      "select",
      { id: nextId("kind") },
      h("option", { value: "" }, "L'autre type (CV → offres, offre → CV)"),
      h("option", { value: "offer" }, "Offres"),
      h("option", { value: "cv" }, "CV"),
    );
    const stats = h("p", { class: "help" });
    const results = h("section", { class: "results", "aria-labelledby": "titre-resultats" });
    const loadStats = async () => {
      stats.replaceChildren();
      if (!keys.get("advisor")) return;
      try {
        const s = await call<{ documents: { offer: number; cv: number }; backend: string }>("/v1/lake/stats", {
          role: "advisor",
        });
        stats.textContent = `Le lac contient ${s.documents.offer} offre(s) et ${s.documents.cv} CV (${s.backend}).`;
      } catch (e) {
        stats.replaceChildren(errorBox(e));
      }
    };
    const load = async () => {
      const id = idInput.value.trim();
      if (!UUID.test(id)) {
        results.replaceChildren(
          h(
            "p",
            { class: "alert alert-error", role: "alert" },
            "L'identifiant d'un document est un UUID, par exemple 3f2b1c9e-…, tel que le renvoie l'ingestion.",
          ),
        );
        idInput.focus();
        return;
      }
      if (location.hash !== `#/lac/${id}`) history.replaceState(null, "", `#/lac/${id}`);
      const out = await withBusy(results, "Recherche des documents proches…", async () => {
        const [doc, similar] = await Promise.all([
          call<StoredDocument>(`/v1/documents/${id}`, { role: "advisor" }),
          call<SimilarResponse>(`/v1/documents/${id}/similar`, {
            role: "advisor",
            query: { kind: kind.value || undefined, topK: 10 },
          }),
        ]);
        return { doc, similar };
      });
      if (!out) return;
      show(results, out.doc, out.similar);
      void nameFicheLinks(results.querySelector(".feedback-list") ?? results, 5);
      results.querySelector<HTMLElement>("#titre-resultats")?.focus();
    };
    root.append(
      h(
        "p",
        { class: "lead" },
        "Pour un document du lac (offre ou CV), les documents les plus proches et ce qu'ils partagent ; " +
          "votre avis sur les métiers prédits améliore le service.",
      ),
      keyPanel("advisor", () => (results.replaceChildren(), void loadStats())),
      stats,
      h(
        "form",
        { class: "card filters-grid", onsubmit: (ev: Event) => (ev.preventDefault(), void load()) },
        h(
          "div",
          { class: "field field-wide" },
          h("label", { for: idId }, "Identifiant du document"),
          idInput,
          h("p", { class: "help", id: `${idId}-aide` }, "L'identifiant renvoyé par l'ingestion (POST /v1/documents)."),
        ),
        h("div", { class: "field" }, h("label", { for: kind.id }, "Chercher parmi"), kind),
        h("div", { class: "field field-submit" }, h("button", { type: "submit" }, "Documents proches")),
      ),
      results,
    );
    void loadStats();
    if (params[0] && keys.get("advisor")) void load();
  },
};

function show(region: HTMLElement, doc: StoredDocument, s: SimilarResponse): void {
  region.replaceChildren(
    h(
      "h2",
      { id: "titre-resultats", tabindex: "-1" },
      `${KIND[doc.kind] ?? doc.kind} ${doc.title ? `« ${doc.title} »` : doc.externalId}`,
    ),
    h(
      "p",
      { class: "help" },
      `Source ${doc.source}, référence ${doc.externalId}, du ${doc.documentDate.slice(0, 10)}.`,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "titre-predits" },
      h("h3", { id: "titre-predits" }, "Métiers prédits pour ce document"),
      doc.metiers.length
        ? h(
            "ul",
            { class: "plain feedback-list" },
            doc.metiers.slice(0, 5).map((m, i) => feedbackRow(doc.id, m.code, i, m.confidence)),
          )
        : h("p", { class: "muted" }, "Aucun métier prédit."),
    ),
    h(
      "section",
      { "aria-labelledby": "titre-proches" },
      h("h3", { id: "titre-proches" }, `Documents proches (${s.results.length} ${s.kind === "cv" ? "CV" : "offres"})`),
      s.results.length
        ? h(
            "ol",
            { class: "metiers" },
            s.results.map((r) =>
              h(
                "li",
                { class: "card similar", "data-id": r.id },
                h(
                  "h4",
                  null,
                  h("a", { href: `#/lac/${r.id}` }, r.title ?? `${KIND[r.kind] ?? r.kind} ${r.externalId}`),
                  h("span", { class: "confidence" }, decimal(r.score.total)),
                ),
                h(
                  "p",
                  { class: "small muted" },
                  `${r.source} · ${r.documentDate.slice(0, 10)} · similarité ${decimal(r.score.vector)} · ` +
                    `macro-compétences ${percent(r.score.mcOverlap)}` +
                    (r.score.metiers === undefined ? "" : ` · métiers ${percent(r.score.metiers)}`),
                ),
                r.sharedMetiers?.length
                  ? h(
                      "p",
                      { class: "small" },
                      "Métiers en commun : ",
                      r.sharedMetiers.slice(0, 3).flatMap((m, i) => [i ? ", " : "", ficheLink(m.code)]),
                    )
                  : r.metiers.length
                    ? h(
                        "p",
                        { class: "small" },
                        "Métiers : ",
                        r.metiers.slice(0, 3).flatMap((m, i) => [i ? ", " : "", ficheLink(m.code)]),
                      )
                    : null,
                h(
                  "details",
                  null,
                  h(
                    "summary",
                    null,
                    `${r.sharedMacroCompetences.length} macro-compétence(s) en commun, ` +
                      `${r.missingMacroCompetences.length} manquante(s)`,
                  ),
                  r.sharedMacroCompetences.length
                    ? [
                        h("h5", null, "En commun"),
                        h(
                          "ul",
                          { class: "mc-list" },
                          r.sharedMacroCompetences.map((mc) => h("li", null, mc.libelle, coeurTag(mc.coeurMetier))),
                        ),
                      ]
                    : null,
                  r.missingMacroCompetences.length
                    ? [
                        h("h5", null, "Manquantes"),
                        h(
                          "ul",
                          { class: "mc-list" },
                          r.missingMacroCompetences.map((mc) => h("li", null, mc.libelle)),
                        ),
                      ]
                    : null,
                ),
              ),
            ),
          )
        : h("p", null, "Aucun document proche."),
    ),
  );
}

function feedbackRow(documentId: string, code: string, rank: number, confidence: number): HTMLElement {
  const status = h("span", { class: "feedback-status", role: "status" });
  const correctId = nextId("correct");
  const correct = h("input", {
    id: correctId,
    type: "text",
    maxlength: 5,
    autocomplete: "off",
    placeholder: "ex. J1501",
  });
  const wrongForm = h(
    "form",
    { class: "inline wrong-form", hidden: true, onsubmit: (ev: Event) => (ev.preventDefault(), void send("wrong")) },
    h("label", { for: correctId }, "Bon métier (facultatif)"),
    correct,
    h("button", { type: "submit" }, "Envoyer"),
  );
  const send = async (verdict: "right" | "wrong") => {
    const correctCode = verdict === "wrong" && correct.value.trim() ? romeCode(correct.value) : undefined;
    if (correctCode === null) {
      status.textContent = "Le bon métier doit être un code ROME, par exemple J1501.";
      return;
    }
    await withBusy(status, "Envoi…", async () => {
      await call("/v1/feedback", {
        method: "POST",
        role: "advisor",
        body: { documentId, code, verdict, ...(correctCode ? { correctCode } : {}) },
      });
      status.replaceChildren(verdict === "right" ? "Merci : noté juste." : "Merci : noté faux.");
      wrongForm.hidden = true;
    });
  };
  return h(
    "li",
    { class: "feedback-row", "data-code": code },
    h(
      "span",
      null,
      `${rank + 1}. `,
      ficheLink(code),
      h("span", { class: "muted small" }, ` · confiance ${percent(confidence)}`),
    ),
    h(
      "span",
      { class: "inline", role: "group", "aria-label": `Votre avis sur ${code}` },
      h("button", { type: "button", class: "secondary", onclick: () => void send("right") }, "Juste"),
      h(
        "button",
        { type: "button", class: "secondary", onclick: () => ((wrongForm.hidden = false), correct.focus()) },
        "Faux",
      ),
    ),
    wrongForm,
    status,
  );
}
