/**
 * The console in a real browser: Debian's Chromium driven by playwright-core (nothing downloads a browser) against
 * a server this file starts, with an embedded lake of synthetic offers. Screenshots of every page at 1280 and 390 px
 * go to test-results/console/, with axe-core's report of each page.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../src/config.js";
import { startTestServer, syntheticOffers, TEST_KEYS, type TestServer } from "./server.js";

const CV = [
  "Julie Martin",
  "Expérience",
  "2019-2024 Aide-soignante, EHPAD Les Tilleuls, Lyon : soins d'hygiène et de confort, aide aux repas, " +
    "transmissions ciblées, surveillance des constantes.",
  "2016-2019 Agent de service hospitalier, Clinique du Parc : bionettoyage des chambres, distribution des repas.",
  "Formation",
  "Diplôme d'État d'aide-soignant (DEAS), 2019",
  "Compétences : gestes et postures, logiciel de soins Netsoins, travail en équipe pluridisciplinaire, permis B.",
].join("\n");

const OUT = path.join(REPO_ROOT, "test-results", "console");
const WIDTHS = [1280, 390] as const;
const MAX_PAGE_BYTES = 300 * 1024;
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

let server: TestServer;
let context: BrowserContext;
let page: Page;
let profileDir: string;
let cvId: string;
/** Every request the pages made, every uncaught page error and CSP report, for the offline and sanity checks. */
const requests: string[] = [];
const pageErrors: string[] = [];
const consoleErrors: string[] = [];
const assetBytes = new Map<string, number>();

async function post(pathname: string, body: unknown, key: string): Promise<unknown> {
  const res = await fetch(server.url + pathname, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key },
    body: JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${pathname}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  server = await startTestServer();
  const offers = syntheticOffers();
  for (let i = 0; i < offers.length; i += 32) {
    const r = (await post("/v1/documents/batch", { documents: offers.slice(i, i + 32) }, TEST_KEYS.ingest)) as {
      summary: Record<string, number>;
    };
    expect(r.summary.error).toBe(0);
  }
  cvId = (
    (await post(
      "/v1/documents",
      { kind: "cv", source: "console-test", externalId: "julie-martin", text: CV, documentDate: "2025-06-25" },
      TEST_KEYS.ingest,
    )) as { id: string }
  ).id;

  profileDir = mkdtempSync(path.join(os.tmpdir(), "console-chromium-"));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 1280, height: 900 },
    locale: "fr-FR",
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(60_000);
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => pageErrors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(m.text());
  });
  page.on("response", async (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith("/v1") || u.pathname === "/health") return;
    const body = await r.body().catch(() => Buffer.alloc(0));
    assetBytes.set(u.pathname, body.length);
  });
});

afterAll(async () => {
  await context?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
  await server?.stop();
});

/** Screenshots at both widths, axe at both, and no horizontal scrolling at 390 px. */
async function record(name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(OUT, `${name}-${width}.png`), fullPage: true });
    const overflow = (await page.evaluate("document.documentElement.scrollWidth")) as number;
    expect(overflow, `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(width);
    const violations = await axe();
    writeFileSync(path.join(OUT, `${name}-${width}-axe.json`), JSON.stringify(violations, null, 2));
    const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(
      bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.targets.join(" | ")}`),
      `${name} at ${width} px`,
    ).toEqual([]);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}
async function axe(): Promise<Violation[]> {
  if (!(await page.evaluate("typeof window.axe !== 'undefined'"))) await page.evaluate(axeSource);
  const tags = JSON.stringify(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]);
  return (await page.evaluate(`axe.run(document, { runOnly: { type: "tag", values: ${tags} } }).then((r) =>
    r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")),
    })))`)) as Violation[];
}

describe("console in Chromium", () => {
  it("serves the pages from the service, small and self-contained", async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    await page.goto(`${server.url}/#/analyser`);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Analyser un texte");
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    // Keyboard: the first Tab reaches the skip link, which takes focus to the page's title and keeps the route.
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.textContent")).toBe("Aller au contenu");
    await page.keyboard.press("Enter");
    expect(await page.evaluate("document.activeElement.id")).toBe("titre-page");
    expect(new URL(page.url()).hash).toBe("#/analyser");
  });

  it("Analyser un texte: the CV of issue 20 → J1501 listed with highlighted evidence", async () => {
    await page.getByLabel("CV").check();
    await page.getByLabel("Texte", { exact: true }).fill(CV);
    await page.getByRole("button", { name: "Analyser" }).click();
    const j1501 = page.locator('li.metier[data-code="J1501"]');
    await j1501.waitFor();
    expect(await page.locator("li.metier").count()).toBeGreaterThan(1);
    const marks = page.locator(".evidence-text mark.ev");
    expect(await marks.count()).toBeGreaterThan(0);
    // A highlighted span is the text at its offsets, and says which ROME item it shows.
    const first = marks.first();
    expect(CV).toContain((await first.textContent())!);
    expect(await first.getAttribute("data-tip")).toMatch(/^(Compétence|Savoir) : /);
    await expect.poll(() => j1501.locator(".bar-row").count()).toBe(4);
    await record("analyser");
  });

  it("Analyser un texte: a CV's experiences are listed when the service gives them", async () => {
    // The service may not split CVs yet (issue 20): the answer is given the shape it will have.
    const span = (s: string) => ({ start: CV.indexOf(s), end: CV.indexOf(s) + s.length, text: s });
    const experiences = [
      {
        title: "Aide-soignante",
        employer: "EHPAD Les Tilleuls",
        dates: { start: "2019", end: "2024" },
        appellation: { code: "10891", libelle: "Aide-soignant / Aide-soignante", ficheCode: "J1501" },
        spans: [span("2019-2024 Aide-soignante, EHPAD Les Tilleuls")],
      },
      {
        title: "Agent de service hospitalier",
        employer: "Clinique du Parc",
        dates: "2016-2019",
        appellation: null,
        spans: [],
      },
    ];
    await page.route("**/v1/match", async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, json: { ...(await res.json()), experiences } });
    });
    try {
      await page.getByRole("button", { name: "Analyser" }).click();
      const items = page.locator("li.experience");
      await expect.poll(() => items.count()).toBe(2);
      expect(await items.first().textContent()).toContain("Aide-soignante — EHPAD Les Tilleuls (2019 – 2024)");
      expect(await items.first().locator('a[href="#/fiche/J1501"]').count()).toBe(1);
      expect(await page.locator(".evidence-text mark.exp").count()).toBeGreaterThan(0);
    } finally {
      await page.unroute("**/v1/match");
    }
  });

  it("Fiche métier: the fiche opens from the result, with passerelles and working filters", async () => {
    await page.locator('li.metier[data-code="J1501"] h4 a').click();
    await page.waitForURL(/#\/fiche\/J1501$/);
    await expect.poll(() => page.locator("h1").textContent()).toContain("(J1501)");
    await page.locator("li.passerelle").first().waitFor();
    expect(await page.locator("li.passerelle").count()).toBe(10);
    expect(await page.locator("li.passerelle .viability").first().textContent()).toMatch(/accessible|Éloigné/i);
    expect(await page.locator("section[aria-labelledby='titre-mc'] .tag-coeur").count()).toBeGreaterThan(0);
    // Filter: grand domaine K only.
    await page.getByText("Filtres").click();
    await page.getByRole("checkbox", { name: /K · Services à la personne/ }).check();
    await page.getByRole("button", { name: "Afficher les passerelles" }).click();
    await expect
      .poll(async () =>
        (await page.locator("li.passerelle").evaluateAll((els) => els.map((e) => e.getAttribute("data-code")))).join(
          ",",
        ),
      )
      .toMatch(/^K\d{4}(,K\d{4})*$/);
    await record("fiche");
  });

  it("Profil: a picked compétence and pasted labels → métiers accessible and the gap", async () => {
    await page.goto(`${server.url}/#/profil`);
    await page.getByLabel("Chercher une compétence ou un savoir").fill("soins d'hygiène");
    const add = page.getByRole("button", { name: /Réaliser des soins d'hygiène corporelle/ });
    await add.waitFor();
    await add.click();
    expect(await page.locator(".chips .chip").count()).toBe(1);
    await page
      .getByLabel("Ou collez des libellés, un par ligne")
      .fill(
        "Prodiguer des soins corporels\nSurveiller l'état de santé d'une personne\nAider une personne à s'habiller",
      );
    await page.getByRole("button", { name: "Trouver les métiers accessibles" }).click();
    await page.locator("#titre-resultats").waitFor();
    expect(await page.locator(".results li.metier").count()).toBeGreaterThan(0);
    expect(await page.locator(".results li.metier details summary").first().textContent()).toMatch(
      /^Écart : \d+ macro-compétence/,
    );
    await record("profil");
  });

  it("Tendances: wrong key and key without the role → clear messages; the analyst key → a chart", async () => {
    await page.goto(`${server.url}/#/tendances`);
    const keyField = page.getByLabel("Clé API (rôle analyste)");
    await keyField.fill("not-a-key-of-this-service");
    await page.getByRole("button", { name: "Enregistrer" }).click();
    const alert = page.getByRole("alert");
    await expect.poll(() => alert.textContent()).toContain("Clé API refusée");
    await record("tendances-erreur");

    await page.getByRole("button", { name: "Oublier la clé" }).click();
    await keyField.fill(TEST_KEYS.advisor);
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await expect.poll(() => alert.textContent()).toContain("n'a pas le rôle analyste");

    await page.getByRole("button", { name: "Oublier la clé" }).click();
    await keyField.fill(TEST_KEYS.analyst);
    await page.getByRole("button", { name: "Enregistrer" }).click();
    const line = page.locator("svg.chart polyline");
    await line.waitFor();
    const points = ((await line.getAttribute("points")) ?? "").trim().split(/\s+/);
    expect(points).toHaveLength(6);
    expect(await page.locator("table.trends tbody tr").first().locator("th").textContent()).toContain("pennylane");
    // The key stays in sessionStorage only.
    expect(await page.evaluate("sessionStorage.getItem('rome-match:cle:analyst')")).toBe(TEST_KEYS.analyst);
    expect(await page.evaluate("localStorage.length")).toBe(0);
    await page.getByRole("button", { name: "Exporter une proposition d'évolution du ROME" }).click();
    await page.getByRole("link", { name: "Télécharger la proposition (JSON)" }).waitFor();
    await record("tendances");
  });

  it("Lac: a CV's nearest offers with shared MCs, and feedback", async () => {
    await page.goto(`${server.url}/#/lac`);
    await page.getByLabel("Clé API (rôle conseiller)").fill(TEST_KEYS.advisor);
    await page.getByRole("button", { name: "Enregistrer" }).click();
    await page.getByLabel("Identifiant du document").fill(cvId);
    await page.getByRole("button", { name: "Documents proches" }).click();
    await page.locator("li.similar").first().waitFor();
    expect(await page.locator("li.similar").count()).toBeGreaterThan(0);
    const row = page.locator(".feedback-row").first();
    await row.getByRole("button", { name: "Juste" }).click();
    await expect.poll(() => row.locator(".feedback-status").textContent()).toContain("Merci");
    await record("lac");
  });

  it("stayed offline and within 300 KB of assets, without script errors", () => {
    const origin = new URL(server.url).origin;
    const foreign = requests.filter((u) => !u.startsWith(origin) && !u.startsWith("data:") && !u.startsWith("blob:"));
    expect(foreign).toEqual([]);
    const total = [...assetBytes.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(1000);
    expect(total).toBeLessThanOrEqual(MAX_PAGE_BYTES);
    expect(pageErrors).toEqual([]);
    // The expected 401/403 answers are logged by Chromium as failed loads; nothing else may be.
    expect(consoleErrors.filter((m) => !/status of 40[13]/.test(m))).toEqual([]);
    writeFileSync(
      path.join(OUT, "assets.json"),
      JSON.stringify({ bytes: total, files: Object.fromEntries(assetBytes) }, null, 2),
    );
  });
});
