/** The fiche filters of passerelles and profiles: contextes, transitions, cadre, réglementé, grand domaine. */
import { call } from "../api.js";
import type { ContextesResponse } from "../types.js";
import { h, nextId } from "./dom.js";

/** ROME 4.0's fourteen grands domaines (letters of the codes), for the filter's labels. */
export const GRANDS_DOMAINES: [string, string][] = [
  ["A", "Agriculture, pêche, espaces naturels, soins aux animaux"],
  ["B", "Arts et façonnage d'ouvrages d'art"],
  ["C", "Banque, assurance, immobilier"],
  ["D", "Commerce, vente et grande distribution"],
  ["E", "Communication, média et multimédia"],
  ["F", "Construction, bâtiment et travaux publics"],
  ["G", "Hôtellerie-restauration, tourisme, loisirs et animation"],
  ["H", "Industrie"],
  ["I", "Installation et maintenance"],
  ["J", "Santé"],
  ["K", "Services à la personne et à la collectivité"],
  ["L", "Spectacle"],
  ["M", "Support à l'entreprise"],
  ["N", "Transport et logistique"],
];
const TRANSITIONS: [string, string][] = [
  ["ecologique", "Écologique"],
  ["numerique", "Numérique"],
  ["demographique", "Démographique"],
];

export interface FilterValues {
  contextesRequired: string[];
  contextesExcluded: string[];
  transitions: string[];
  emploiCadre?: boolean;
  emploiReglemente?: boolean;
  grandDomaines: string[];
}

let contextes: Promise<ContextesResponse> | null = null;

/** A `<fieldset>` of filters and a reader of its values. */
export function filtersPart(): { element: HTMLElement; values(): FilterValues } {
  const required = new Map<string, string>();
  const excluded = new Map<string, string>();
  const selectId = nextId("contexte");
  const select = h("select", { id: selectId }, h("option", { value: "" }, "Chargement des contextes…"));
  const chips = h("ul", { class: "chips", "aria-label": "Contextes choisis" });
  const drawChips = () => {
    chips.replaceChildren(
      ...[...required].map(([code, label]) => chip(`Exigé : ${label}`, () => (required.delete(code), drawChips()))),
      ...[...excluded].map(([code, label]) => chip(`Exclu : ${label}`, () => (excluded.delete(code), drawChips()))),
    );
  };
  const add = (into: Map<string, string>, other: Map<string, string>) => () => {
    const opt = select.selectedOptions[0];
    if (!opt || !opt.value) return;
    other.delete(opt.value);
    into.set(opt.value, opt.textContent ?? opt.value);
    drawChips();
  };
  contextes ??= call<ContextesResponse>("/v1/contextes");
  contextes
    .then((c) =>
      select.replaceChildren(
        h("option", { value: "" }, "— choisir un contexte —"),
        ...c.types.map((t) =>
          h(
            "optgroup",
            { label: t.typeLibelle },
            t.contextes.map((x) => h("option", { value: x.code }, x.libelle)),
          ),
        ),
      ),
    )
    .catch(() => {
      contextes = null;
      select.replaceChildren(h("option", { value: "" }, "Contextes indisponibles"));
    });

  const transitions = TRANSITIONS.map(([v, label]) => ({
    v,
    box: h("input", { type: "checkbox", value: v, id: nextId("tr") }),
    label,
  }));
  const domaines = GRANDS_DOMAINES.map(([v, label]) => ({
    v,
    box: h("input", { type: "checkbox", value: v, id: nextId("gd") }),
    label,
  }));
  const triSelect = (label: string) => {
    const id = nextId("tri");
    const s = h(
      "select",
      { id },
      h("option", { value: "" }, "Indifférent"),
      h("option", { value: "true" }, "Oui"),
      h("option", { value: "false" }, "Non"),
    );
    return { s, el: h("div", { class: "field" }, h("label", { for: id }, label), s) };
  };
  const cadre = triSelect("Emploi cadre");
  const regl = triSelect("Emploi réglementé");

  const element = h(
    "details",
    { class: "filters" },
    h("summary", null, "Filtres"),
    h(
      "div",
      { class: "filters-grid" },
      h(
        "div",
        { class: "field" },
        h("label", { for: selectId }, "Contexte de travail"),
        select,
        h(
          "div",
          { class: "inline" },
          h("button", { type: "button", class: "secondary", onclick: add(required, excluded) }, "Exiger"),
          h("button", { type: "button", class: "secondary", onclick: add(excluded, required) }, "Exclure"),
        ),
        chips,
      ),
      h(
        "fieldset",
        null,
        h("legend", null, "Transitions"),
        transitions.map((t) => h("label", { for: t.box.id, class: "check" }, t.box, ` ${t.label}`)),
      ),
      cadre.el,
      regl.el,
      h(
        "fieldset",
        { class: "domaines" },
        h("legend", null, "Grands domaines"),
        domaines.map((d) => h("label", { for: d.box.id, class: "check" }, d.box, ` ${d.v} · ${d.label}`)),
      ),
    ),
  );
  const tri = (s: HTMLSelectElement) => (s.value === "" ? undefined : s.value === "true");
  return {
    element,
    values: () => ({
      contextesRequired: [...required.keys()],
      contextesExcluded: [...excluded.keys()],
      transitions: transitions.filter((t) => t.box.checked).map((t) => t.v),
      emploiCadre: tri(cadre.s),
      emploiReglemente: tri(regl.s),
      grandDomaines: domaines.filter((d) => d.box.checked).map((d) => d.v),
    }),
  };
}

/** Filter values as GET query parameters (comma-separated lists). */
export function filterQuery(f: FilterValues): Record<string, string | undefined> {
  const list = (v: string[]) => (v.length ? v.join(",") : undefined);
  return {
    contextesRequired: list(f.contextesRequired),
    contextesExcluded: list(f.contextesExcluded),
    transitions: list(f.transitions),
    emploiCadre: f.emploiCadre === undefined ? undefined : String(f.emploiCadre),
    emploiReglemente: f.emploiReglemente === undefined ? undefined : String(f.emploiReglemente),
    grandDomaines: list(f.grandDomaines),
  };
}

/** Filter values as a JSON body (only the ones set). */
export function filterBody(f: FilterValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) if (Array.isArray(v) ? v.length : v !== undefined) out[k] = v;
  return out;
}

export const chip = (label: string, remove: () => void): HTMLElement =>
  h(
    "li",
    { class: "chip" },
    h("span", null, label),
    h("button", { type: "button", class: "chip-remove", "aria-label": `Retirer ${label}`, onclick: remove }, "×"),
  );
