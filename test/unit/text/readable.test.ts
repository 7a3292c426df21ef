import { describe, expect, it } from "vitest";
import { knownWordShare, looksBinary, READABLE, unreadableReason } from "../../../src/text/index.js";

// Deterministic stand-ins for what reaches an API as "text": bytes in base64, random letters.
const bytes = Buffer.from(Array.from({ length: 1500 }, (_, i) => (i * 7919 + 13) % 256));
const base64 = bytes.toString("base64").replace(/(.{76})/g, "$1\n");
const letters = Array.from({ length: 60 }, (_, i) =>
  Array.from({ length: 3 + (i % 9) }, (_, j) => "qwxzkjvbpfghtyl"[(i * 31 + j * 17) % 15]).join(""),
).join(" ");

describe("readable text", () => {
  it("refuses base64 of bytes and random letters, naming the share of known words", () => {
    expect(knownWordShare(base64).share).toBeLessThan(READABLE.minShare);
    expect(unreadableReason(base64)).toMatch(/almost no recognisable words \(\d+ % of \d+ known/);
    expect(unreadableReason(letters)).toMatch(/almost no recognisable words/);
    expect(unreadableReason("12 345 — 678 / 90")).toBe("holds no words");
  });

  it("accepts French job text, English job text and short titles", () => {
    const offer =
      "Nous recherchons un boulanger H/F pour la fabrication du pain et des viennoiseries, pétrissage, façonnage et cuisson. CAP boulanger exigé.";
    const english =
      "We are looking for a Data Engineer to join our team in Paris. You will design and build data pipelines on GCP, work with data scientists and product owners.";
    expect(knownWordShare(offer).share).toBeGreaterThan(0.7);
    expect(unreadableReason(offer)).toBeNull();
    expect(unreadableReason(english)).toBeNull();
    // Under READABLE.minWords words nothing is judged: acronyms and English titles are short texts.
    expect(unreadableReason("DevOps SRE Kubernetes")).toBeNull();
  });

  it("marks binary by control characters, as before", () => {
    expect(looksBinary("a\u0001b\u0002c\u0003d")).toBe(true);
    expect(looksBinary("ligne 1\nligne 2\tcolonne")).toBe(false);
    expect(unreadableReason("\u0000\u0001\u0002\u0003binary")).toBe("looks like binary data, not text");
  });
});
