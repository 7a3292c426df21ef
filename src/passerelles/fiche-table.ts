import type { Fiche } from "../rome/index.js";
import * as pf from "./features.js";

/**
 * Per-fiche attributes as typed arrays (ids for codes, 0/1 for tags), built once per index so that the pair
 * features of one source against every fiche are plain array reads: the serving path computes them on each call.
 * `pairColumns` gives the same values as the pair functions of features.ts (sameGrandDomaine, riasecShared…).
 */
export class FicheTable {
  readonly n: number;
  private readonly grandDomaine: Int32Array;
  private readonly domainePro: Int32Array;
  private readonly cadre: Uint8Array;
  private readonly reglemente: Uint8Array;
  /** Entry level (features.ts entryLevel), NaN when the text names none. */
  private readonly level: Float64Array;
  private readonly openEntry: Uint8Array;
  /** Id of the pre-split parent code, and whether the fiche is a split child (its parent is another code). */
  private readonly parentId: Int32Array;
  private readonly splitChild: Uint8Array;
  /** Position of the parent fiche in this table (-1: not a split child or parent not in the referential). */
  private readonly parentPos: Int32Array;
  /** RIASEC: -1 without a profile; letters as ids, the minor -1 when absent. */
  private readonly riasecMajor: Int32Array;
  private readonly riasecMinor: Int32Array;

  constructor(fiches: readonly Fiche[], position: (code: string) => number | undefined) {
    this.n = fiches.length;
    const ids = new Map<string, number>();
    const id = (x: string) => ids.get(x) ?? (ids.set(x, ids.size), ids.size - 1);
    this.grandDomaine = Int32Array.from(fiches, (f) => id(`gd:${f.grandDomaine.code}`));
    this.domainePro = Int32Array.from(fiches, (f) => id(`dp:${f.domaineProfessionnel.code}`));
    this.cadre = Uint8Array.from(fiches, (f) => Number(pf.cadre(f)));
    this.reglemente = Uint8Array.from(fiches, (f) => Number(pf.reglemente(f)));
    this.level = Float64Array.from(fiches, (f) => pf.entryLevel(f.accesMetier) ?? NaN);
    this.openEntry = Uint8Array.from(fiches, (f) => Number(pf.openEntry(f.accesMetier)));
    this.parentId = Int32Array.from(fiches, (f) => id(`p:${f.parent}`));
    this.splitChild = Uint8Array.from(fiches, (f) => Number(f.parent !== f.code));
    this.parentPos = Int32Array.from(fiches, (f) => (f.parent !== f.code ? (position(f.parent) ?? -1) : -1));
    this.riasecMajor = Int32Array.from(fiches, (f) => (f.riasec ? id(`r:${f.riasec.majeur}`) : -1));
    this.riasecMinor = Int32Array.from(fiches, (f) => (f.riasec?.mineur ? id(`r:${f.riasec.mineur}`) : -1));
  }

  /**
   * Writes the pair features of source `s` → every fiche into the given columns (all of length n): same domaine,
   * RIASEC, cadre and réglementé status, entry level gap, open entry, split family ties.
   */
  pairColumns(s: number, c: PairColumns): void {
    const sCadre = this.cadre[s]!;
    const sReg = this.reglemente[s]!;
    const sLevel = this.level[s]!;
    const sMaj = this.riasecMajor[s]!;
    const sMin = this.riasecMinor[s]!;
    const sGd = this.grandDomaine[s]!;
    const sDp = this.domainePro[s]!;
    const sParent = this.parentId[s]!;
    const sChild = this.splitChild[s]!;
    const sParentPos = this.parentPos[s]!;
    for (let i = 0; i < this.n; i++) {
      c.sameGrandDomaine[i] = Number(this.grandDomaine[i] === sGd);
      c.sameDomainePro[i] = Number(this.domainePro[i] === sDp);
      const tMaj = this.riasecMajor[i]!;
      const tMin = this.riasecMinor[i]!;
      c.riasecMajeur[i] = Number(sMaj >= 0 && tMaj >= 0 && tMaj === sMaj);
      // Shared Holland letters over the target's letters (features.ts riasecShared).
      if (sMaj >= 0 && tMaj >= 0) {
        const major = Number(tMaj === sMaj || tMaj === sMin);
        c.riasecShared[i] = tMin >= 0 ? (major + Number(tMin === sMaj || tMin === sMin)) / 2 : major;
      } else c.riasecShared[i] = 0;
      const tc = this.cadre[i]!;
      c.targetCadre[i] = tc;
      c.cadreUp[i] = tc & (1 - sCadre);
      const tr = this.reglemente[i]!;
      c.targetReglemente[i] = tr;
      c.reglementeUp[i] = tr & (1 - sReg);
      const gap = this.level[i]! - sLevel;
      // NaN (a level unknown) compares false both ways: 0 up and 0 down, as levelGap.
      c.levelUp[i] = gap > 0 ? Math.min(1, gap / 4) : 0;
      c.levelDown[i] = gap < 0 ? Math.min(1, -gap / 4) : 0;
      c.targetOpenEntry[i] = this.openEntry[i]!;
      c.splitSibling[i] = Number(sChild === 1 && this.splitChild[i] === 1 && this.parentId[i] === sParent);
      c.parentOrChild[i] = Number(i !== s && (sParentPos === i || this.parentPos[i] === s));
    }
  }
}

export { PAIR_COLUMNS } from "./features.js";
export type PairColumns = Record<(typeof pf.PAIR_COLUMNS)[number], Float64Array>;
