/**
 * ESCO ↔ ROME: France Travail's crosswalk between ESCO occupations (the EU's classification) and ROME appellations
 * (`FR_20230607_mapping_esco_rome.csv`, mapping v1.4, ESCO 1.0.9), so that systems speaking ESCO can ask and read
 * ROME. Relations are SKOS: exact, close, broad (the ESCO occupation is broader than the appellation), narrow.
 */
import { existsSync, readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { RomeLoadError } from "./csv.js";
import type { Referential } from "./referential.js";

export const ESCO_RELATIONS = ["exactMatch", "closeMatch", "narrowMatch", "broadMatch"] as const;
export type EscoRelation = (typeof ESCO_RELATIONS)[number];
/** Strongest first: an exact match before a close one, before the broader or narrower. */
export const relationRank = (r: EscoRelation): number => ESCO_RELATIONS.indexOf(r);

export const ESCO_URI = /^http:\/\/data\.europa\.eu\/esco\/occupation\/[0-9a-f-]{36}$/;
const Row = z.object({
  "classification 1 ID": z.string().regex(ESCO_URI, "an ESCO occupation URI"),
  "classification 1 prefered label": z.string().min(1),
  "classification 2 ID": z.string().regex(/^\d+$/, "a ROME appellation code (code_ogr)"),
  "classification 2 prefered label": z.string(),
  "mapping relation": z.enum(ESCO_RELATIONS.map((r) => `skos:${r}`) as [string, ...string[]]),
});

export interface EscoLink {
  uri: string;
  appellation: string;
  relation: EscoRelation;
}

export interface EscoCrosswalk {
  /** e.g. "ESCO 1.0.9, mapping V1.4", from the file's header. */
  readonly version: string;
  /** ESCO occupation URI → its preferred (French) label. */
  readonly labels: ReadonlyMap<string, string>;
  readonly byAppellation: ReadonlyMap<string, readonly EscoLink[]>;
  readonly byUri: ReadonlyMap<string, readonly EscoLink[]>;
  /** Rows whose appellation the loaded referential does not have (an older or newer ROME). */
  readonly skipped: number;
}

/**
 * Loads the crosswalk for `ref`: the metadata lines, then a header row and one mapping a row. A malformed row is an
 * error naming the file and line; an appellation the referential lacks is skipped and counted.
 */
export function loadEscoCrosswalk(file: string, ref: Pick<Referential, "appellations">): EscoCrosswalk {
  if (!existsSync(file)) throw new RomeLoadError(file, null, "ESCO crosswalk not found; set ESCO_CROSSWALK (or none)");
  const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((l) => l.toLowerCase().startsWith("classification 1 id,"));
  if (header < 0) throw new RomeLoadError(file, null, 'no header row starting "classification 1 ID"');
  const meta = new Map(
    lines
      .slice(0, header)
      .map((l) => l.split(","))
      .filter((p) => p.length >= 2)
      .map(([k, ...v]) => [k!.trim().toLowerCase(), v.join(",").trim()]),
  );
  const version = `ESCO ${meta.get("classification 1 version") ?? "?"}, mapping ${meta.get("mapping project version") ?? "?"}`;
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      columns: true,
      from_line: header + 1,
      skip_empty_lines: true,
      info: true,
    }) as typeof records;
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    throw new RomeLoadError(file, e.lines ?? null, `invalid CSV: ${e.message ?? String(err)}`);
  }
  const labels = new Map<string, string>();
  const byAppellation = new Map<string, EscoLink[]>();
  const byUri = new Map<string, EscoLink[]>();
  let skipped = 0;
  for (const { record, info } of records) {
    const r = Row.safeParse(record);
    if (!r.success)
      throw new RomeLoadError(
        file,
        info.lines,
        r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
      );
    const uri = r.data["classification 1 ID"];
    const appellation = r.data["classification 2 ID"];
    if (!ref.appellations.has(appellation)) {
      skipped++;
      continue;
    }
    const link: EscoLink = {
      uri,
      appellation,
      relation: r.data["mapping relation"].slice("skos:".length) as EscoRelation,
    };
    labels.set(uri, r.data["classification 1 prefered label"]);
    push(byAppellation, appellation, link);
    push(byUri, uri, link);
  }
  if (byUri.size === 0) throw new RomeLoadError(file, null, "no mapping names an appellation of this referential");
  return { version, labels, byAppellation, byUri, skipped };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

/** Links grouped by `keyOf` (an occupation, a fiche), each group with its appellations and its strongest relation. */
function groupLinks(
  links: Iterable<EscoLink>,
  keyOf: (l: EscoLink) => string,
): Map<string, { relation: EscoRelation; appellations: { code: string; relation: EscoRelation }[] }> {
  const groups = new Map<
    string,
    { relation: EscoRelation; appellations: { code: string; relation: EscoRelation }[] }
  >();
  for (const l of links) {
    const key = keyOf(l);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { relation: l.relation, appellations: [] }));
    g.appellations.push({ code: l.appellation, relation: l.relation });
    if (relationRank(l.relation) < relationRank(g.relation)) g.relation = l.relation;
  }
  return groups;
}

export interface EscoOccupationOfFiche {
  uri: string;
  label: string;
  /** The strongest relation over the fiche's appellations. */
  relation: EscoRelation;
  appellations: { code: string; relation: EscoRelation }[];
}

/** The ESCO occupations mapped to a fiche's appellations, strongest relation first, then by label. */
export function escoOfFiche(
  cw: EscoCrosswalk,
  ref: Pick<Referential, "fiches">,
  ficheCode: string,
): EscoOccupationOfFiche[] {
  const links = (ref.fiches.get(ficheCode)?.appellations ?? []).flatMap((app) => cw.byAppellation.get(app) ?? []);
  return [...groupLinks(links, (l) => l.uri)]
    .map(([uri, g]) => ({ uri, label: cw.labels.get(uri)!, ...g }))
    .sort((a, b) => relationRank(a.relation) - relationRank(b.relation) || a.label.localeCompare(b.label, "fr"));
}

export interface FicheOfEscoOccupation {
  code: string;
  relation: EscoRelation;
  appellations: { code: string; relation: EscoRelation }[];
}

/** The fiches whose appellations an ESCO occupation maps to, strongest relation first, then most appellations. */
export function fichesOfEsco(
  cw: EscoCrosswalk,
  ref: Pick<Referential, "appellations">,
  uri: string,
): FicheOfEscoOccupation[] | null {
  const links = cw.byUri.get(uri);
  if (!links) return null;
  return [...groupLinks(links, (l) => ref.appellations.get(l.appellation)!.ficheCode)]
    .map(([code, g]) => ({ code, ...g }))
    .sort(
      (a, b) =>
        relationRank(a.relation) - relationRank(b.relation) ||
        b.appellations.length - a.appellations.length ||
        (a.code < b.code ? -1 : 1),
    );
}
