import { describe, expect, it } from "vitest";
import { candidatePhrases, segment } from "../../../src/text/index.js";
import { hasPersonalData, redactPersonalData } from "../../../src/text/redact.js";

const gone = (text: string, ...secrets: string[]) => {
  const out = redactPersonalData(text);
  for (const s of secrets) expect(out).not.toContain(s);
  expect(hasPersonalData(out)).toBe(false);
  return out;
};

describe("redactPersonalData", () => {
  it.each([
    ["Contact : jb.dupontel@example.com", "dupontel", "example"],
    ["écrire à jean-baptiste.dupontel+cv@mail.example.fr.", "dupontel", "mail.example"],
    ["jb.dupontel (at) example (dot) com", "dupontel", "example"],
    ["jb.dupontel arobase example.com", "dupontel"],
  ])("e-mail: %s", (text, ...secrets) => {
    gone(text, ...secrets);
  });

  it.each([
    ["Tél. 06 12 34 56 78", "56 78"],
    ["tel:0612345678 ou 01.23.45.67.89", "0612345678", "45.67"],
    ["+33 6 12 34 56 78", "34 56"],
    ["+33 (0)6 12 34 56 78", "34 56"],
    ["0033 6 12 34 56 78", "34 56"],
    ["+44 20 7946 0958", "7946"],
  ])("phone: %s", (text, ...secrets) => {
    gone(text, ...secrets);
  });

  it.each([
    ["N° sécurité sociale : 1 85 03 75 116 238 42", "116 238"],
    ["NIR 185037511623842", "1850375"],
    ["2 91 12 2A 004 123", "004 123"],
  ])("NIR: %s", (text, ...secrets) => {
    gone(text, ...secrets);
  });

  it.each([
    ["Né le 12/03/1985 à Lyon", "1985"],
    ["née le 1er mars 1985", "1985"],
    ["Date de naissance : 12 février 1985", "1985"],
    ["date de naissance: 1985", "1985"],
    ["DOB 1985-03-12", "1985"],
    ["né le 12.03.85", "12.03"],
  ])("date of birth: %s", (text, ...secrets) => {
    gone(text, ...secrets);
  });

  it("keeps the words around, and what is not personal (periods, amounts, postcodes, codes)", () => {
    const text =
      "Développeur Java de 2015 à 2019, puis 03/2019 – 06/2023 chez Acme, 75011 Paris, salaire 35 000 €, ROME M1805, Bac+5";
    expect(redactPersonalData(text)).toBe(text);
    expect(hasPersonalData(text)).toBe(false);
  });

  it("breaks phrases at what it removes: no phrase holds a piece of it", () => {
    const cv =
      "Jean-Baptiste Dupontel\njb.dupontel@example.com — 06 12 34 56 78\nNé le 12/03/1985, n° sécurité sociale 1 85 03 75 116 238 42\nGestion de projets agiles et maintenance de serveurs";
    const red = redactPersonalData(cv);
    const phrases = segment(red).flatMap((u) => candidatePhrases(u).map((p) => p.text));
    expect(phrases.join(" | ")).not.toMatch(/exampl|dupontel@|1985|116|56 78/);
    expect(red).toContain("Gestion de projets agiles");
  });
});
