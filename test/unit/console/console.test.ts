/** The console's pure parts (spans, chart geometry, series, error messages) and how the service serves its pages. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import express from "express";
import request from "supertest";
import { afterAll, describe, expect, it } from "vitest";
import { consoleRoutes } from "../../../src/console/index.js";
import { chartGeometry, niceMax } from "../../../src/console/app/logic/chart.js";
import { explainFailure } from "../../../src/console/app/logic/errors.js";
import { datesText, romeCode } from "../../../src/console/app/logic/format.js";
import { colourSlots, pieces, type Mark } from "../../../src/console/app/logic/spans.js";
import { shareSeries } from "../../../src/console/app/logic/trends.js";

const mark = (start: number, end: number, group: string, score = 1): Mark => ({
  start,
  end,
  group,
  label: group,
  score,
});

describe("evidence pieces", () => {
  const text = "soins d'hygiène et de confort, aide aux repas";
  it("cut the text at every boundary, keep it whole, and put the best mark first", () => {
    const p = pieces(text, [mark(0, 15, "A", 0.5), mark(6, 29, "B", 0.9), mark(31, 45, "A", 0.7)]);
    expect(p.map((x) => x.text).join("")).toBe(text);
    expect(p.map((x) => [x.text, x.marks.map((m) => m.group).join("")])).toEqual([
      ["soins ", "A"],
      ["d'hygiène", "BA"],
      [" et de confort", "B"],
      [", ", ""],
      ["aide aux repas", "A"],
    ]);
  });
  it("clip spans past the text's end and drop empty or reversed ones", () => {
    const p = pieces("abc", [mark(1, 99, "A"), mark(2, 2, "B"), mark(3, 1, "C"), mark(-5, 1, "D")]);
    expect(p.map((x) => [x.text, x.marks.map((m) => m.group).join("")])).toEqual([
      ["a", "D"],
      ["bc", "A"],
    ]);
  });
  it("leave an unmarked text as one piece", () => {
    expect(pieces(text, [])).toEqual([{ start: 0, end: text.length, text, marks: [] }]);
  });
  it("give each group a colour slot in order of appearance, cycling", () => {
    expect([...colourSlots(["x", "y", "x", "z", "w"], 3)]).toEqual([
      ["x", 0],
      ["y", 1],
      ["z", 2],
      ["w", 0],
    ]);
  });
});

describe("chart geometry", () => {
  const box = { width: 400, height: 200, left: 40, right: 10, top: 10, bottom: 30 };
  it("rounds the axis up to a round value", () => {
    expect([niceMax(0.07), niceMax(0.79), niceMax(0.2), niceMax(3), niceMax(0)]).toEqual([0.1, 1, 0.2, 5, 1]);
  });
  it("places points across the plot, 0 at the bottom and the axis maximum at the top", () => {
    const g = chartGeometry(
      [
        { period: "a", value: 0 },
        { period: "b", value: 0.5 },
        { period: "c", value: 1 },
      ],
      box,
    );
    expect(g.points.map((p) => p.x)).toEqual([40, 215, 390]);
    expect(g.points.map((p) => p.y)).toEqual([170, 90, 10]);
    expect(g.yTicks[0]).toEqual({ y: 170, value: 0 });
  });
  it("labels at most a few periods, always the last", () => {
    const series = Array.from({ length: 13 }, (_, i) => ({ period: `p${i}`, value: i }));
    const g = chartGeometry(series, box, 6);
    expect(g.xLabels.length).toBeLessThanOrEqual(7);
    expect(g.xLabels[g.xLabels.length - 1]).toBe(12);
    expect(chartGeometry([{ period: "x", value: 0.3 }], box).points[0]!.x).toBe(215);
  });
});

describe("trend series", () => {
  it("reads shares, or counts over documents, from a list or an object holding one", () => {
    expect(
      shareSeries([
        { period: "2025-01", documents: 10, count: 1, share: 0.1 },
        { period: "2025-02", documents: 4, count: 2 },
        { period: "2025-03", documents: 0, count: 0 },
      ]),
    ).toEqual([
      { period: "2025-01", value: 0.1 },
      { period: "2025-02", value: 0.5 },
      { period: "2025-03", value: 0 },
    ]);
    expect(shareSeries({ points: [{ period: "W1", share: 0.2 }] })).toEqual([{ period: "W1", value: 0.2 }]);
    expect(shareSeries({ periods: ["W1", "W2"], share: [0.1, 0.3] })).toEqual([
      { period: "W1", value: 0.1 },
      { period: "W2", value: 0.3 },
    ]);
    expect(shareSeries({ periods: ["W1", "W2"], count: [1, 0], documents: [4, 0] })).toEqual([
      { period: "W1", value: 0.25 },
      { period: "W2", value: 0 },
    ]);
    expect(shareSeries([0.2, 0.4], ["2025-01", "2025-02"])).toEqual([
      { period: "2025-01", value: 0.2 },
      { period: "2025-02", value: 0.4 },
    ]);
    expect(shareSeries(undefined)).toEqual([]);
    expect(shareSeries([null, 3, { share: 1 }])).toEqual([]);
  });
});

describe("error messages", () => {
  it("tell a missing key from a refused one, and name the role a 403 lacks", () => {
    expect(explainFailure({ status: 401 }, { role: "analyst", hadKey: false }).title).toBe(
      "Cette page demande une clé API (rôle analyste).",
    );
    expect(
      explainFailure(
        { status: 401, code: "unauthorized", message: "unknown API key" },
        { role: "analyst", hadKey: true },
      ),
    ).toMatchObject({
      title: "Clé API refusée : le service ne reconnaît pas cette clé.",
      technical: "HTTP 401 · unauthorized · unknown API key",
    });
    expect(explainFailure({ status: 403 }, { role: "advisor", hadKey: true }).title).toContain(
      "n'a pas le rôle conseiller",
    );
  });
  it("say how long to wait on 429 and what is down on 503", () => {
    expect(explainFailure({ status: 429, retryAfter: 2.2 }).hint).toContain("patientez 3 s");
    expect(explainFailure({ status: 503, code: "lake_disabled" }).title).toBe(
      "Le lac de documents n'est pas activé sur ce service.",
    );
    expect(explainFailure({ status: 0 }).title).toBe("Le service ne répond pas.");
  });
  it("list what to fix on a 400", () => {
    expect(
      explainFailure({ status: 400, details: [{ path: "text", message: "must not be empty" }, { message: "x" }] }).hint,
    ).toBe("À corriger : text : must not be empty ; x.");
  });
});

describe("formats", () => {
  it("ROME codes and experience dates", () => {
    expect([romeCode(" j1501 "), romeCode("Z1501"), romeCode("J150")]).toEqual(["J1501", null, null]);
    expect(datesText({ dates: "2019-2024" })).toBe("2019-2024");
    expect(datesText({ dates: { start: 2016, end: "2019" } })).toBe("2016 – 2019");
    expect(datesText({ start: "2021-03" })).toBe("depuis 2021-03");
    expect(datesText({ title: "x" })).toBeNull();
  });
});

describe("serving the console", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "console-dist-"));
  mkdirSync(path.join(dir, "assets"));
  writeFileSync(path.join(dir, "index.html"), "<!doctype html><title>console</title>");
  writeFileSync(path.join(dir, "assets", "index-abc123.js"), "console.log(1)");
  const app = (d: string) =>
    express()
      .use(consoleRoutes(d))
      .use((_req, res) => res.status(404).json({ error: "no route" }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("serves the page with a same-origin CSP and hashed assets for good", async () => {
    const page = await request(app(dir)).get("/");
    expect(page.status).toBe(200);
    expect(page.text).toContain("<title>console</title>");
    expect(page.headers["content-security-policy"]).toMatch(/default-src 'self'.*connect-src 'self'/);
    expect(page.headers["cache-control"]).toBe("no-cache");
    const js = await request(app(dir)).get("/assets/index-abc123.js");
    expect(js.status).toBe(200);
    expect(js.headers["cache-control"]).toContain("immutable");
  });
  it("says how to build it when it is not built, and leaves other paths to the API", async () => {
    const missing = await request(app(path.join(dir, "nope"))).get("/");
    expect(missing.status).toBe(503);
    expect(missing.text).toContain("npm run build:console");
    expect((await request(app(dir)).get("/v1/anything")).status).toBe(404);
    expect((await request(app(dir)).get("/assets/missing.js")).status).toBe(404);
  });
});
