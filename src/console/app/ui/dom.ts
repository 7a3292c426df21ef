/** A few DOM helpers: element builder, error and status boxes, the API-key panel. */
import { ApiError, call, keys } from "../api.js";
import { ROLE_LABEL, type Role } from "../logic/errors.js";

type Child = Node | string | number | null | undefined | false | Child[];
type Props = Record<string, string | number | boolean | null | undefined | EventListener>;

/** `h("a", { href: "#/x", class: "y", onclick: f }, "text", child)`; false/null children are skipped. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, ""), v);
    else if (k === "class") el.className = String(v);
    else if (k === "text") el.textContent = String(v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

/** Replaces an element's children (null and false skipped). */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

let uid = 0;
export const nextId = (prefix: string): string => `${prefix}-${++uid}`;

/** A visible-to-screen-readers-only text. */
export const srOnly = (text: string): HTMLElement => h("span", { class: "sr-only" }, text);

/** A failure as a readable alert: the French sentence, what to do, and the service's own message folded away. */
export function errorBox(e: unknown): HTMLElement {
  if (e instanceof ApiError) {
    const { title, hint, technical } = e.explained;
    return h(
      "div",
      { class: "alert alert-error", role: "alert", "data-status": e.failure.status },
      h("p", { class: "alert-title" }, title),
      hint ? h("p", null, hint) : null,
      technical
        ? h("details", null, h("summary", null, "Détail technique"), h("p", { class: "mono" }, technical))
        : null,
    );
  }
  return h(
    "div",
    { class: "alert alert-error", role: "alert" },
    h("p", { class: "alert-title" }, "Erreur inattendue dans la console."),
    h("p", { class: "mono" }, e instanceof Error ? e.message : String(e)),
  );
}

/** Runs `work` with `region` marked busy and a status line; errors land in `region` as an alert. */
export async function withBusy<T>(region: HTMLElement, label: string, work: () => Promise<T>): Promise<T | undefined> {
  region.setAttribute("aria-busy", "true");
  region.replaceChildren(h("p", { class: "loading", role: "status" }, label));
  try {
    return await work();
  } catch (e) {
    if (e instanceof DOMException && e.name === "AbortError") return undefined;
    region.replaceChildren(errorBox(e));
    return undefined;
  } finally {
    region.removeAttribute("aria-busy");
  }
}

/**
 * The API key of a role: typed once, kept in sessionStorage for the tab's life. Shows whether a key is set and lets
 * the person change or forget it; `onChange` runs after either.
 */
export function keyPanel(role: Role, onChange: () => void): HTMLElement {
  const box = h("section", { class: "key-panel", "aria-label": `Clé API ${ROLE_LABEL[role]}` });
  const draw = () => {
    const has = keys.get(role);
    if (has) {
      box.replaceChildren(
        h(
          "p",
          { class: "key-status" },
          "✓ Clé API ",
          h("strong", null, ROLE_LABEL[role]),
          " enregistrée pour cette session (onglet).",
        ),
        h(
          "button",
          { type: "button", class: "secondary", onclick: () => (keys.forget(role), draw(), onChange()) },
          "Oublier la clé",
        ),
      );
      return;
    }
    const id = nextId("cle");
    const input = h("input", {
      id,
      type: "password",
      name: `cle-${role}`,
      autocomplete: "off",
      spellcheck: "false",
      required: true,
      minlength: 16,
    });
    const form = h(
      "form",
      {
        class: "key-form",
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          const v = input.value.trim();
          if (!v) return;
          keys.set(role, v);
          draw();
          onChange();
        },
      },
      h("label", { for: id }, `Clé API (rôle ${ROLE_LABEL[role]})`),
      h("div", { class: "inline" }, input, h("button", { type: "submit" }, "Enregistrer")),
      h("p", { class: "help" }, "Gardée dans cet onglet seulement (sessionStorage), effacée à sa fermeture."),
    );
    box.replaceChildren(form);
  };
  draw();
  return box;
}

/** A horizontal bar for a 0..1 value, with the number as text (the bar itself is decoration). */
export function bar(label: string, value: number, shown: string): HTMLElement {
  const fill = h("span", { class: "bar-fill" });
  fill.style.width = `${Math.round(Math.max(0, Math.min(1, value)) * 100)}%`;
  return h(
    "div",
    { class: "bar-row" },
    h("span", { class: "bar-label" }, label),
    h("span", { class: "bar", "aria-hidden": "true" }, fill),
    h("span", { class: "bar-value" }, shown),
  );
}

export const ficheLink = (code: string, libelle?: string): HTMLAnchorElement =>
  h(
    "a",
    { href: `#/fiche/${encodeURIComponent(code)}`, "data-fiche": libelle ? undefined : code },
    libelle ? `${libelle} (${code})` : code,
  );

/** The "cœur de métier" mark beside a macro-compétence. */
export const coeurTag = (on: boolean): HTMLElement | null =>
  on ? h("span", { class: "tag tag-coeur" }, "cœur de métier") : null;

const ficheNames = new Map<string, Promise<string | null>>();
/** Gives the links made from a bare code (`ficheLink(code)`) under `root` their fiche's name, at most `max` fiches. */
export async function nameFicheLinks(root: Element, max = 8): Promise<void> {
  const links = [...root.querySelectorAll<HTMLAnchorElement>("a[data-fiche]")];
  const codes = [...new Set(links.map((a) => a.dataset.fiche!))].slice(0, max);
  await Promise.all(
    codes.map(async (code) => {
      if (!ficheNames.has(code))
        ficheNames.set(
          code,
          call<{ libelle: string }>(`/v1/metiers/${code}`).then(
            (f) => f.libelle,
            () => null,
          ),
        );
      const name = await ficheNames.get(code)!;
      if (!name) return;
      for (const a of links)
        if (a.dataset.fiche === code) ((a.textContent = `${name} (${code})`), a.removeAttribute("data-fiche"));
    }),
  );
}
