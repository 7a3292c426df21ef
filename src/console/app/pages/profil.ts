/** Profil: compétences and savoirs, picked or pasted → métiers accessible now / with training, and the gap. */
import { call } from "../api.js";
import { percent } from "../logic/format.js";
import { bar, coeurTag, ficheLink, fill, h, nextId, withBusy } from "../ui/dom.js";
import { chip, filterBody, filtersPart } from "../ui/filters.js";
import type { Page } from "../main.js";
import type { ProfileMetier, ProfileResponse, SearchResponse } from "../types.js";

const KIND_LABEL: Record<string, string> = {
  competence: "compétence",
  "macro-competence": "macro-compétence",
  savoir: "savoir",
};

/** Picked items survive a visit to a fiche (memory only). */
const picked = new Map<string, string>();

export const profilPage: Page = {
  title: "Profil",
  render(root) {
    const searchId = nextId("cherche");
    const labelsId = nextId("libelles");
    const search = h("input", {
      id: searchId,
      type: "search",
      autocomplete: "off",
      "aria-describedby": `${searchId}-aide`,
      "aria-controls": `${searchId}-res`,
    });
    const suggestions = h("div", { id: `${searchId}-res`, class: "suggestions", "aria-live": "polite" });
    const chips = h("ul", { class: "chips", "aria-label": "Éléments choisis" });
    const labels = h("textarea", { id: labelsId, rows: 5, "aria-describedby": `${labelsId}-aide` });
    const filters = filtersPart();
    const results = h("section", { class: "results", "aria-labelledby": "titre-resultats" });

    const drawChips = () =>
      chips.replaceChildren(
        ...[...picked].map(([code, label]) => chip(label, () => (picked.delete(code), drawChips()))),
      );
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | null = null;
    const lookup = async () => {
      const q = search.value.trim();
      if (q.length < 2) return suggestions.replaceChildren();
      controller?.abort();
      controller = new AbortController();
      await withBusy(suggestions, "Recherche…", async () => {
        const r = await call<SearchResponse>("/v1/search", {
          query: { q, type: "competence,macro-competence,savoir", limit: 8 },
          signal: controller!.signal,
        });
        suggestions.replaceChildren(
          r.hits.length
            ? h(
                "ul",
                { class: "plain suggestion-list", "aria-label": `${r.hits.length} suggestion(s)` },
                r.hits.map((x) =>
                  h(
                    "li",
                    null,
                    h(
                      "button",
                      {
                        type: "button",
                        class: "link-button",
                        onclick: () => {
                          picked.set(x.code, `${x.libelle} (${KIND_LABEL[x.kind] ?? x.kind})`);
                          drawChips();
                          search.focus();
                        },
                      },
                      `Ajouter « ${x.libelle} »`,
                    ),
                    h("span", { class: "muted small" }, ` ${KIND_LABEL[x.kind] ?? x.kind}`),
                  ),
                ),
              )
            : h("p", null, "Aucun élément trouvé."),
        );
      });
    };
    search.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => void lookup(), 250);
    });
    search.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter") {
        ev.preventDefault();
        void lookup();
      }
    });

    const submit = async () => {
      const lines = labels.value
        .split(/\n|;/)
        .map((l) => l.trim())
        .filter(Boolean);
      if (!picked.size && !lines.length) {
        results.replaceChildren(
          h(
            "p",
            { role: "alert", class: "alert" },
            "Choisissez au moins une compétence ou collez au moins un libellé.",
          ),
        );
        return;
      }
      const r = await withBusy(results, "Recherche des métiers accessibles…", () =>
        call<ProfileResponse>("/v1/profile/match", {
          method: "POST",
          body: { competences: [...picked.keys()], labels: lines, topK: 10, filters: filterBody(filters.values()) },
        }),
      );
      if (!r) return;
      showProfile(results, r);
      results.querySelector<HTMLElement>("#titre-resultats")?.focus();
    };

    root.append(
      h(
        "form",
        { class: "card", onsubmit: (ev: Event) => (ev.preventDefault(), void submit()) },
        h("label", { for: searchId }, "Chercher une compétence ou un savoir"),
        search,
        h(
          "p",
          { class: "help", id: `${searchId}-aide` },
          "Tapez quelques mots (par exemple « soins d'hygiène ») puis ajoutez les éléments proposés.",
        ),
        suggestions,
        chips,
        h("label", { for: labelsId }, "Ou collez des libellés, un par ligne"),
        labels,
        h(
          "p",
          { class: "help", id: `${labelsId}-aide` },
          "Le service relie chaque libellé à l'élément ROME le plus proche et montre ce qu'il a compris.",
        ),
        filters.element,
        h("button", { type: "submit" }, "Trouver les métiers accessibles"),
      ),
      results,
    );
    drawChips();
  },
};

function showProfile(region: HTMLElement, r: ProfileResponse): void {
  const res = r.resolution;
  fill(
    region,
    h("h2", { id: "titre-resultats", tabindex: "-1" }, "Métiers accessibles"),
    r.message
      ? h(
          "div",
          { class: "alert", role: "status" },
          h(
            "p",
            null,
            r.status === "nothing_to_match"
              ? "Aucun élément du profil n'a été reconnu : rien à comparer."
              : "Aucun métier n'atteint le seuil : ajoutez des compétences ou assouplissez les filtres.",
          ),
          h("p", { class: "small mono" }, r.message),
        )
      : null,
    h(
      "p",
      { class: "help" },
      `Profil : ${r.profile.macroCompetences} macro-compétence(s), ${r.profile.competences} compétence(s), ` +
        `${r.profile.savoirs} savoir(s).`,
    ),
    res.resolved.length || res.unresolved.length
      ? h(
          "details",
          { class: "card", open: res.unresolved.length > 0 },
          h("summary", null, `Libellés compris : ${res.resolved.length}, non reconnus : ${res.unresolved.length}`),
          res.resolved.length
            ? h(
                "ul",
                { class: "plain small" },
                res.resolved.map((x) =>
                  h("li", null, `« ${x.input} » → ${x.libelle} (${KIND_LABEL[x.kind] ?? x.kind})`),
                ),
              )
            : null,
          res.unresolved.length
            ? h(
                "ul",
                { class: "plain small" },
                res.unresolved.map((x) =>
                  h(
                    "li",
                    null,
                    `« ${x.input} » non reconnu` +
                      (x.suggestions.length ? ` ; proche de : ${x.suggestions.map((s) => s.libelle).join(", ")}` : ""),
                  ),
                ),
              )
            : null,
        )
      : null,
    h(
      "div",
      { class: "two-cols" },
      group("Dès maintenant", "maintenant", r.accessibleNow),
      group("Avec une formation", "formation", r.accessibleWithTraining),
    ),
    h("p", { class: "muted small" }, `${r.belowThreshold} autre(s) métier(s) sous le seuil.`),
    h(
      "details",
      { class: "small muted" },
      h("summary", null, "Règle exacte (service)"),
      h("p", { class: "mono" }, r.accessRule),
    ),
  );
}

function group(title: string, id: string, list: ProfileMetier[]): HTMLElement {
  return h(
    "section",
    { class: "col", "aria-labelledby": `titre-${id}` },
    h("h3", { id: `titre-${id}` }, `${title} (${list.length})`),
    list.length ? h("ol", { class: "metiers" }, list.map(card)) : h("p", { class: "muted" }, "Aucun métier."),
  );
}

function card(m: ProfileMetier): HTMLElement {
  const gap = m.gap;
  const gapText = `Écart : ${gap.macroCompetences.length} macro-compétence(s), ${gap.savoirs.length} savoir(s)`;
  const regulated = m.emploiReglemente ? h("span", { class: "tag" }, "réglementé") : null;
  return h(
    "li",
    { class: "card metier", "data-code": m.code },
    h("h4", null, ficheLink(m.code, m.libelle), regulated),
    h(
      "div",
      { class: "bars" },
      bar("Macro-compétences", m.score.mcCoverage, percent(m.score.mcCoverage)),
      bar("Cœur de métier", m.score.coreCoverage, percent(m.score.coreCoverage)),
    ),
    h(
      "details",
      null,
      h("summary", null, gapText),
      gap.macroCompetences.length
        ? h(
            "ul",
            { class: "mc-list" },
            gap.macroCompetences.map((mc) => h("li", null, mc.libelle, coeurTag(mc.coeurMetier))),
          )
        : null,
      gap.savoirs.length
        ? h(
            "p",
            { class: "small" },
            h("strong", null, "Savoirs : "),
            gap.savoirs
              .slice(0, 15)
              .map((s) => s.libelle)
              .join(" · "),
          )
        : null,
      h("p", { class: "muted small" }, m.reason),
    ),
  );
}
