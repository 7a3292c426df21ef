/**
 * Word families over stems: the French Porter stemmer leaves a noun and its verb apart ("nettoyag" / "nettoi",
 * "conduit" / "conduir", "travail" / "travaill", "soudag" / "soud"), so "nettoyage des chambres" did not meet
 * "nettoyer les chambres". Families join stems `related` pairwise, as long as the family stays tight (`isTight`).
 */
export class StemFamilies {
  private readonly parent = new Map<string, string>();
  /** First 4 letters → stems of the vocabulary, for placing a stem the vocabulary lacks. */
  private readonly buckets = new Map<string, string[]>();
  private readonly cache = new Map<string, string>();

  constructor(vocabulary: Iterable<string>) {
    for (const s of new Set(vocabulary)) {
      if (s.length < 4 || /\d/.test(s)) continue;
      const b = s.slice(0, 4);
      const list = this.buckets.get(b);
      if (list) list.push(s);
      else this.buckets.set(b, [s]);
    }
    for (const list of this.buckets.values()) {
      list.sort();
      for (let i = 0; i < list.length; i++) {
        for (let j = i + 1; j < list.length; j++) if (related(list[i]!, list[j]!)) this.union(list[i]!, list[j]!);
      }
    }
  }

  /** The family key of a stem (the smallest stem of its family; the stem itself when it has none). */
  key(stem: string): string {
    let k = this.cache.get(stem);
    if (k !== undefined) return k;
    if (this.parent.has(stem)) k = this.find(stem);
    else {
      k = stem;
      if (stem.length >= 4 && !/\d/.test(stem)) {
        for (const s of this.buckets.get(stem.slice(0, 4)) ?? []) {
          if (!related(stem, s)) continue;
          const root = this.parent.has(s) ? this.find(s) : s;
          const shape = this.shape.get(root) ?? { prefix: s, min: s.length, max: s.length };
          let p = 0;
          while (p < shape.prefix.length && shape.prefix[p] === stem[p]) p++;
          const min = Math.min(shape.min, stem.length);
          const max = Math.max(shape.max, stem.length);
          if (isTight(p, min, max)) {
            k = root;
            break;
          }
        }
      }
    }
    if (this.cache.size < 200_000) this.cache.set(stem, k);
    return k;
  }

  private find(s: string): string {
    let r = s;
    while (this.parent.has(r) && this.parent.get(r) !== r) r = this.parent.get(r)!;
    return r;
  }

  /** Per family root: the members' common prefix and shortest and longest lengths (families stay tight). */
  private readonly shape = new Map<string, { prefix: string; min: number; max: number }>();

  private union(a: string, b: string): void {
    if (!this.parent.has(a)) (this.parent.set(a, a), this.shape.set(a, { prefix: a, min: a.length, max: a.length }));
    if (!this.parent.has(b)) (this.parent.set(b, b), this.shape.set(b, { prefix: b, min: b.length, max: b.length }));
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    // A family is joined only if it stays tight as a whole: no chain of pairs may bridge "confort" and "conform".
    const sa = this.shape.get(ra)!;
    const sb = this.shape.get(rb)!;
    let p = 0;
    while (p < sa.prefix.length && p < sb.prefix.length && sa.prefix[p] === sb.prefix[p]) p++;
    const merged = { prefix: sa.prefix.slice(0, p), min: Math.min(sa.min, sb.min), max: Math.max(sa.max, sb.max) };
    const tight = isTight(p, merged.min, merged.max);
    if (!tight) return;
    // The smaller key (shorter, then alphabetical) stays the root: keys are stable whatever the insertion order.
    const root = ra.length < rb.length || (ra.length === rb.length && ra < rb) ? ra : rb;
    this.parent.set(root === ra ? rb : ra, root);
    this.shape.set(root, merged);
  }
}

/** What the longer stem of a noun / verb pair adds to the shorter ("soud" → "soudag", "encaiss" → "encaissement"). */
const SUFFIXES = new Set(["ag", "ur", "eur", "e", "ement", "ment", "l", "ion", "at", "ateur", "ant"]);

/**
 * Stems related as noun and verb of one word: the longer is the shorter plus a derivational suffix, the two differ
 * only in a last letter that ends verb stems ("conduit" / "conduir" / "conduis"), or the stemmer's "i" for a "y"
 * ("nettoi" / "nettoyag"). Not "confort" / "conform", not "inter" / "internet".
 */
export function related(a: string, b: string): boolean {
  const [s, l] = a.length <= b.length ? [a, b] : [b, a];
  if (s.length < 4) return false;
  // "-ification" / "-ifier": the stemmer cuts the noun to "verif", "planif", the verb to "verifi", "planifi".
  if (l.startsWith(s))
    return SUFFIXES.has(l.slice(s.length)) || (s.endsWith("if") && l.length === s.length + 1 && l.endsWith("i"));
  if (s.length < 5) return false;
  const stem = s.slice(0, -1);
  if (!l.startsWith(stem)) return false;
  if (s.length === l.length) return /[rst]/.test(s.at(-1)!) && /[rst]/.test(l.at(-1)!);
  return s.endsWith("i") && l[stem.length] === "y" && SUFFIXES.has(l.slice(stem.length + 1));
}

/** Families stay one word's: members share all but the last letter of the shortest, the longest adds ≤ 5 letters. */
function isTight(prefix: number, min: number, max: number): boolean {
  return prefix >= 4 && prefix >= min - 1 && max - prefix <= 6;
}
