/** The console's shell: hash routes → pages, focus and title on every change, the service's version in the footer. */
import { call } from "./api.js";
import { h } from "./ui/dom.js";
import { analysePage } from "./pages/analyse.js";
import { fichePage } from "./pages/fiche.js";
import { profilPage } from "./pages/profil.js";
import { tendancesPage } from "./pages/tendances.js";
import { lacPage } from "./pages/lac.js";

export interface Page {
  title: string;
  /** Fills `root` below the page's h1; `params` are the hash path's parts after the page name. */
  render(root: HTMLElement, params: string[], heading: HTMLHeadingElement): void;
}

const pages: Record<string, Page> = {
  analyser: analysePage,
  fiche: fichePage,
  profil: profilPage,
  tendances: tendancesPage,
  lac: lacPage,
};

function route(): void {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  const name = parts[0] && pages[parts[0]] ? parts[0] : "analyser";
  const page = pages[name]!;
  const main = document.getElementById("contenu")!;
  const heading = h("h1", { tabindex: "-1", id: "titre-page" }, page.title);
  const root = h("div", { class: `page page-${name}` });
  main.replaceChildren(heading, root);
  for (const a of document.querySelectorAll<HTMLAnchorElement>(".nav-list a")) {
    if (a.dataset.page === name) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  document.title = `${page.title} · rome-match`;
  page.render(root, parts.slice(1).filter(Boolean), heading);
  // Screen readers and keyboards start at the new page, not at the link that led there.
  if (routed) heading.focus();
  routed = true;
}
let routed = false;

// Only "#/…" hashes are routes; another fragment (an in-page anchor) leaves the page as it is.
window.addEventListener("hashchange", () => {
  if (location.hash === "" || location.hash.startsWith("#/")) route();
});
// The skip link moves focus without touching the hash, which holds the route.
document.querySelector(".skip-link")?.addEventListener("click", (ev) => {
  ev.preventDefault();
  document.getElementById("titre-page")?.focus();
});
route();

call<{ romeVersion: string; model: string }>("/health")
  .then((hl) => {
    const v = document.getElementById("version");
    if (v) v.prepend(`ROME ${hl.romeVersion} · modèle ${hl.model} · `);
  })
  .catch(() => undefined);
