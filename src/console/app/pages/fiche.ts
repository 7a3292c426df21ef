/** Fiche métier: the referential's fiche, and its passerelles with viability, skills to acquire and filters. */
import { call } from "../api.js";
import { ESCO_RELATION, percent, romeCode, VIABILITY_LABEL } from "../logic/format.js";
import { bar, coeurTag, ficheLink, h, nextId, withBusy } from "../ui/dom.js";
import { filterQuery, filtersPart } from "../ui/filters.js";
import type { Page } from "../main.js";
import type { AppellationSearch, Fiche, Passerelle, ProximityResponse } from "../types.js";

export const fichePage: Page = {
  title: "Fiche métier",
  render(root, params, heading) {
    root.append(searchForm());
    const code = params[0] ? romeCode(params[0]) : null;
    if (!params[0]) return;
    const body = h("div", { class: "fiche" });
    root.append(body);
    if (!code) {
      body.append(
        h(
          "div",
          { class: "alert alert-error", role: "alert" },
          h(
            "p",
            { class: "alert-title" },
            `« ${params[0]} » n'est pas un code ROME (une lettre de A à N et quatre chiffres, par exemple J1501).`,
          ),
        ),
      );
      return;
    }
    void withBusy(body, "Chargement de la fiche…", async () => {
      const f = await call<Fiche>(`/v1/metiers/${code}`);
      heading.textContent = `${f.libelle} (${f.code})`;
      document.title = `${f.code} ${f.libelle} · rome-match`;
      body.replaceChildren(...ficheView(f), passerellesPart(f));
    });
  },
};

/** Find a fiche by code or by one of its 13,000 appellations (typo-tolerant search of the service). */
function searchForm(): HTMLElement {
  const id = nextId("recherche");
  const input = h("input", { id, type: "search", name: "q", autocomplete: "off", "aria-describedby": `${id}-aide` });
  const out = h("div", { class: "search-results", "aria-live": "polite" });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | null = null;
  const search = async (q: string, submitted: boolean) => {
    const direct = romeCode(q);
    if (direct && submitted) {
      location.hash = `#/fiche/${direct}`;
      return;
    }
    if (direct || q.trim().length < 2) return out.replaceChildren();
    controller?.abort();
    controller = new AbortController();
    await withBusy(out, "Recherche…", async () => {
      const r = await call<AppellationSearch>("/v1/appellations/search", {
        query: { q, limit: 8 },
        signal: controller!.signal,
      });
      out.replaceChildren(
        r.results.length
          ? h(
              "ul",
              { class: "plain" },
              r.results.map((a) =>
                h(
                  "li",
                  null,
                  ficheLink(a.ficheCode, a.ficheLibelle),
                  h("span", { class: "muted small" }, ` — appellation « ${a.libelle} »`),
                ),
              ),
            )
          : h("p", null, "Aucune appellation trouvée."),
      );
    });
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => void search(input.value, false), 250);
  });
  return h(
    "form",
    {
      class: "card search-form",
      role: "search",
      onsubmit: (ev: Event) => (ev.preventDefault(), void search(input.value, true)),
    },
    h("label", { for: id }, "Code ROME ou intitulé de métier"),
    h("div", { class: "inline" }, input, h("button", { type: "submit" }, "Chercher")),
    h("p", { class: "help", id: `${id}-aide` }, "Par exemple J1501 ou « aide soignante »."),
    out,
  );
}

function ficheView(f: Fiche): HTMLElement[] {
  const tags: string[] = [];
  if (f.tags.emploiReglemente) tags.push("Emploi réglementé");
  if (f.tags.emploiCadre) tags.push("Emploi cadre");
  if (f.tags.transitionNumerique) tags.push("Transition numérique");
  if (f.tags.transitionDemographique) tags.push("Transition démographique");
  if (typeof f.tags.transitionEcologique === "string" && f.tags.transitionEcologique)
    tags.push(`Transition écologique : ${f.tags.transitionEcologique}`);
  const byType = new Map<string, string[]>();
  for (const c of f.contextes) byType.set(c.type, [...(byType.get(c.type) ?? []), c.libelle]);
  return [
    h("p", { class: "lead" }, `${f.grandDomaine.libelle} › ${f.domaineProfessionnel.libelle}`),
    tags.length
      ? h(
          "ul",
          { class: "tags", "aria-label": "Caractéristiques" },
          tags.map((t) => h("li", { class: "tag" }, t)),
        )
      : h("span"),
    h(
      "details",
      { class: "card" },
      h("summary", null, "Définition et accès au métier"),
      h("p", { class: "prewrap" }, f.definition),
      h("h3", null, "Accès au métier"),
      h("p", { class: "prewrap" }, f.accesMetier),
    ),
    h(
      "div",
      { class: "two-cols" },
      h(
        "div",
        { class: "col" },
        h(
          "section",
          { class: "card", "aria-labelledby": "titre-appellations" },
          h("h2", { id: "titre-appellations" }, `Appellations (${f.appellations.length})`),
          h(
            "ul",
            { class: "columns" },
            f.appellations.map((a) =>
              h("li", null, a.libelle, a.principale ? h("span", { class: "tag" }, "principale") : null),
            ),
          ),
        ),
        h(
          "section",
          { class: "card", "aria-labelledby": "titre-mc" },
          h("h2", { id: "titre-mc" }, "Compétences par enjeu"),
          h(
            "p",
            { class: "help" },
            "Les macro-compétences marquées « cœur de métier » sont les principales de la fiche.",
          ),
          f.enjeux.map((e) => [
            h("h3", null, e.libelle),
            h(
              "ul",
              { class: "mc-list" },
              e.macroCompetences.map((mc) =>
                h(
                  "li",
                  { class: mc.coeurMetier ? "coeur" : undefined },
                  h(
                    "details",
                    null,
                    h("summary", null, mc.libelle, coeurTag(mc.coeurMetier)),
                    h(
                      "ul",
                      { class: "small" },
                      mc.competences.map((c) => h("li", null, c.libelle)),
                    ),
                  ),
                ),
              ),
            ),
          ]),
        ),
      ),
      h(
        "div",
        { class: "col" },
        h(
          "section",
          { class: "card", "aria-labelledby": "titre-savoirs" },
          h("h2", { id: "titre-savoirs" }, `Savoirs (${f.savoirs.length})`),
          h(
            "ul",
            { class: "plain" },
            f.savoirs.map((s) =>
              h("li", null, s.libelle, s.coeurMetier ? h("span", { class: "tag tag-coeur" }, "principal") : null),
            ),
          ),
        ),
        h(
          "section",
          { class: "card", "aria-labelledby": "titre-contextes" },
          h("h2", { id: "titre-contextes" }, "Contextes de travail"),
          [...byType].map(([type, list]) => [
            h("h3", null, type),
            h(
              "ul",
              { class: "plain" },
              list.map((l) => h("li", null, l)),
            ),
          ]),
        ),
        f.esco
          ? h(
              "section",
              { class: "card", "aria-labelledby": "titre-esco" },
              h("h2", { id: "titre-esco" }, "Correspondances ESCO"),
              f.esco.occupations.length
                ? h(
                    "ul",
                    { class: "plain" },
                    f.esco.occupations.map((o) =>
                      h(
                        "li",
                        null,
                        h("a", { href: o.uri, rel: "noopener noreferrer" }, o.label),
                        h("span", { class: "muted small" }, ` — ${ESCO_RELATION[o.relation] ?? o.relation}`),
                      ),
                    ),
                  )
                : h("p", { class: "muted" }, "Aucune occupation ESCO reliée."),
              h("p", { class: "muted small" }, f.esco.version),
            )
          : null,
        f.mobilites?.length
          ? h(
              "section",
              { class: "card", "aria-labelledby": "titre-mobilites" },
              h("h2", { id: "titre-mobilites" }, "Mobilités inscrites dans la fiche"),
              h(
                "ul",
                { class: "plain" },
                f.mobilites.map((m) => h("li", null, ficheLink(m.code, m.libelle))),
              ),
            )
          : null,
      ),
    ),
  ];
}

function passerellesPart(f: Fiche): HTMLElement {
  const filters = filtersPart();
  const topId = nextId("topk");
  const top = h(
    "select",
    { id: topId },
    [10, 20, 50].map((n) => h("option", { value: String(n) }, String(n))),
  );
  const list = h("div", { class: "passerelles" });
  const load = () =>
    withBusy(list, "Calcul des passerelles…", async () => {
      const r = await call<ProximityResponse>(`/v1/metiers/${f.code}/proximity`, {
        query: { topK: top.value, ...filterQuery(filters.values()) },
      });
      list.replaceChildren(
        h(
          "p",
          { class: "help" },
          `${r.passerelles.length} métier(s) proche(s). « Très accessible », « accessible » ou « éloigné » ` +
            "selon la part des macro-compétences du métier visé (pondérées par leur rareté) " +
            "et de son cœur de métier que ce métier-ci couvre déjà.",
        ),
        h(
          "details",
          { class: "small muted" },
          h("summary", null, "Règle exacte (service)"),
          h("p", { class: "mono" }, r.viabilityRule),
        ),
        r.passerelles.length
          ? h("ol", { class: "passerelle-list" }, r.passerelles.map(passerelleCard))
          : h("p", null, "Aucune passerelle avec ces filtres."),
      );
    });
  const section = h(
    "section",
    { class: "card", "aria-labelledby": "titre-passerelles" },
    h("h2", { id: "titre-passerelles" }, "Passerelles vers d'autres métiers"),
    h(
      "form",
      { class: "passerelles-form", onsubmit: (ev: Event) => (ev.preventDefault(), void load()) },
      filters.element,
      h(
        "div",
        { class: "inline" },
        h("label", { for: topId }, "Nombre de métiers"),
        top,
        h("button", { type: "submit" }, "Afficher les passerelles"),
      ),
    ),
    list,
  );
  void load();
  return section;
}

function passerelleCard(p: Passerelle): HTMLElement {
  const mcs = p.toAcquire.macroCompetences;
  return h(
    "li",
    { class: "card passerelle", "data-code": p.code },
    h(
      "div",
      { class: "metier-head" },
      h("h3", null, h("span", { class: "rank" }, `${p.rank}.`), " ", ficheLink(p.code, p.libelle)),
      h("span", { class: `tag viability viability-${p.viability}` }, VIABILITY_LABEL[p.viability] ?? p.viability),
    ),
    p.officialMobilite.listed ? h("p", { class: "small" }, "✓ Mobilité inscrite dans la fiche ROME") : null,
    h(
      "div",
      { class: "bars" },
      bar("Macro-compétences couvertes", p.score.mcCoverage ?? 0, percent(p.score.mcCoverage ?? 0)),
      bar("Cœur de métier couvert", p.score.coreCoverage ?? 0, percent(p.score.coreCoverage ?? 0)),
    ),
    h(
      "details",
      null,
      h(
        "summary",
        null,
        `À acquérir : ${mcs.length} macro-compétence(s), ${p.toAcquire.competences.length} compétence(s)`,
      ),
      mcs.length
        ? h(
            "ul",
            { class: "mc-list" },
            mcs.map((mc) => h("li", null, mc.libelle, coeurTag(mc.coeurMetier))),
          )
        : h("p", { class: "muted" }, "Aucune macro-compétence à acquérir."),
      p.toAcquire.competences.length
        ? h(
            "ul",
            { class: "small" },
            p.toAcquire.competences.slice(0, 30).map((c) => h("li", null, c.libelle)),
          )
        : null,
      p.shared.length
        ? h("p", { class: "small" }, h("strong", null, "En commun : "), p.shared.map((s) => s.libelle).join(" · "))
        : null,
    ),
  );
}
