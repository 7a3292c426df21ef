/** Parts of the analysis page: the text with its evidence marked, the legend, experiences, recruiter items, skills. */
import { call } from "../api.js";
import { pieces, type Mark } from "../logic/spans.js";
import { datesText, decimal, percent } from "../logic/format.js";
import { ficheLink, h, srOnly } from "../ui/dom.js";
import type { Experience, MatchResponse, Span } from "../types.js";

export function highlighted(text: string, marks: Mark[], slots: Map<string, number>): HTMLElement {
  const out = h("div", { class: "evidence-text" });
  for (const p of pieces(text, marks)) {
    if (!p.marks.length) {
      out.append(p.text);
      continue;
    }
    const skill = p.marks.find((m) => m.group !== "experience");
    const exp = p.marks.some((m) => m.group === "experience");
    const tip = p.marks.map((m) => m.label).join(" ; ");
    const cls = [
      "ev",
      skill ? (skill.group === "savoir" ? "ev-savoir" : `ev-${slots.get(skill.group) ?? 0}`) : "ev-none",
      exp ? "exp" : "",
    ]
      .filter(Boolean)
      .join(" ");
    out.append(h("mark", { class: cls, "data-tip": tip, tabindex: "0" }, p.text), srOnly(` (${tip})`));
  }
  return out;
}

export function legend(marks: Mark[], slots: Map<string, number>, names: Map<string, string>): HTMLElement | null {
  const groups = [...new Set(marks.map((m) => m.group))];
  if (!groups.length) return null;
  return h(
    "ul",
    { class: "legend", "aria-label": "Légende des couleurs" },
    groups.map((g) =>
      h(
        "li",
        { "data-mc": g },
        g === "savoir"
          ? h("span", { class: "swatch ev-savoir", "aria-hidden": "true" })
          : g === "experience"
            ? h("span", { class: "swatch exp", "aria-hidden": "true" })
            : swatch(slots.get(g)),
        h(
          "span",
          { class: "legend-label" },
          g === "savoir"
            ? "Savoirs"
            : g === "experience"
              ? "Expériences repérées"
              : (names.get(g) ?? `Macro-compétence ${g}`),
        ),
      ),
    ),
  );
}

/** MCs shown by the text but absent from every listed métier: their names come from the referential. */
export async function fillMcNames(region: HTMLElement, marks: Mark[], names: Map<string, string>): Promise<void> {
  const unknown = [...new Set(marks.map((m) => m.group))].filter((g) => /^\d+$/.test(g) && !names.has(g)).slice(0, 12);
  await Promise.all(
    unknown.map(async (code) => {
      try {
        const mc = await call<{ libelle: string }>(`/v1/macro-competences/${code}`);
        const li = region.querySelector(`.legend li[data-mc="${code}"] .legend-label`);
        if (li) li.textContent = mc.libelle;
      } catch {
        // The code stays shown as is.
      }
    }),
  );
}

export const swatch = (slot: number | undefined): HTMLElement =>
  h("span", { class: `swatch ev-${slot ?? 0}`, "aria-hidden": "true" });

export function experiencesPart(list: Experience[], absent: boolean): HTMLElement {
  return h(
    "section",
    { "aria-labelledby": "titre-experiences" },
    h("h3", { id: "titre-experiences" }, "Expériences trouvées"),
    list.length
      ? h(
          "ol",
          { class: "experiences" },
          list.map((x) => {
            const dates = datesText(x as Record<string, unknown>);
            const app = x.appellation ?? null;
            const ficheCode = app
              ? typeof app.fiche === "string"
                ? app.fiche
                : (app.fiche?.code ?? app.ficheCode)
              : undefined;
            const spans = spansOf(x.spans);
            return h(
              "li",
              { class: "card experience" },
              h(
                "p",
                null,
                h("strong", null, x.title ?? spans[0]?.text ?? "Expérience"),
                x.employer ? ` — ${x.employer}` : null,
                dates ? h("span", { class: "muted" }, ` (${dates})`) : null,
              ),
              app?.libelle
                ? h(
                    "p",
                    { class: "small" },
                    "Appellation : ",
                    app.libelle,
                    ficheCode ? [" · ", ficheLink(ficheCode)] : null,
                  )
                : null,
            );
          }),
        )
      : h(
          "p",
          { class: "muted" },
          absent ? "Ce service ne découpe pas encore les CV en expériences." : "Aucune expérience repérée.",
        ),
  );
}

export function requiredPart(r: MatchResponse): HTMLElement {
  return h(
    "section",
    { "aria-labelledby": "titre-requis" },
    h("h3", { id: "titre-requis" }, "Ce qu'un recruteur joindrait à l'offre"),
    h(
      "ul",
      { class: "plain" },
      (r.requiredSkills ?? []).map((s) =>
        h(
          "li",
          null,
          h("span", { class: "prob" }, percent(s.probability)),
          " ",
          s.libelle,
          h(
            "span",
            { class: "muted small" },
            ` (${s.kind === "savoir" ? "savoir" : "compétence"}${s.evidence.length ? ", dans le texte" : ""})`,
          ),
        ),
      ),
    ),
  );
}

export function skillsPart(r: MatchResponse): HTMLElement {
  return h(
    "details",
    { class: "skills" },
    h("summary", null, `Éléments ROME trouvés dans le texte (${r.skills.length})`),
    h(
      "ul",
      { class: "plain" },
      r.skills.map((s) =>
        h(
          "li",
          null,
          s.libelle,
          h(
            "span",
            { class: "muted small" },
            ` · ${s.kind === "savoir" ? "savoir" : "compétence"} · ${decimal(s.score)}`,
          ),
        ),
      ),
    ),
  );
}

/** Every span in an experience's `spans`, whether a list or an object of named spans. */
export function spansOf(v: unknown): Span[] {
  const out: Span[] = [];
  const visit = (x: unknown, depth: number) => {
    if (!x || typeof x !== "object" || depth > 3) return;
    if (Array.isArray(x)) return x.forEach((y) => visit(y, depth + 1));
    const o = x as Record<string, unknown>;
    if (typeof o.start === "number" && typeof o.end === "number")
      out.push({ start: o.start, end: o.end, text: typeof o.text === "string" ? o.text : "" });
    else Object.values(o).forEach((y) => visit(y, depth + 1));
  };
  visit(v, 0);
  return out;
}
