/** API errors → French sentences a person can act on (pure, no DOM). */

export type Role = "advisor" | "analyst";
export const ROLE_LABEL: Record<Role, string> = { advisor: "conseiller", analyst: "analyste" };

/** What a failed call told us: the HTTP status (0: no answer) and the service's `{ error }` body when there was one. */
export interface Failure {
  status: number;
  code?: string;
  message?: string;
  details?: unknown;
  /** Retry-After header, in seconds, on a 429 or 503. */
  retryAfter?: number | null;
}

export interface Explained {
  /** The sentence shown first. */
  title: string;
  /** What to do about it. */
  hint?: string;
  /** The service's own message and details, for someone who reports the problem. */
  technical?: string;
}

const ASK = "demandez-en une à l'administrateur du service";

export function explainFailure(f: Failure, ctx: { role?: Role; hadKey?: boolean } = {}): Explained {
  const role = ctx.role ? ROLE_LABEL[ctx.role] : null;
  const technical = technicalText(f);
  const wait =
    f.retryAfter && f.retryAfter > 0
      ? `patientez ${Math.ceil(f.retryAfter)} s puis réessayez`
      : "patientez un peu puis réessayez";
  switch (f.status) {
    case 0:
      return {
        title: "Le service ne répond pas.",
        hint: "Vérifiez votre connexion et que le service est démarré, puis réessayez.",
        technical,
      };
    case 400:
    case 422:
      return { title: "La demande n'est pas valide.", hint: invalidHint(f), technical };
    case 401:
      return ctx.hadKey
        ? {
            title: "Clé API refusée : le service ne reconnaît pas cette clé.",
            hint: `Vérifiez la clé${role ? ` (rôle ${role})` : ""} ou ${ASK}.`,
            technical,
          }
        : {
            title: `Cette page demande une clé API${role ? ` (rôle ${role})` : ""}.`,
            hint: "Saisissez-la dans le champ « Clé API » de la page.",
            technical,
          };
    case 403:
      return {
        title: `Accès refusé : cette clé n'a pas le rôle ${role ?? "requis"} pour cette action.`,
        hint: "Utilisez une clé qui porte ce rôle (demandez-la à l'administrateur du service).",
        technical,
      };
    case 404:
      return { title: "Introuvable.", hint: "Vérifiez le code ou l'identifiant saisi.", technical };
    case 413:
      return {
        title: "Le texte est trop long pour le service.",
        hint: "Raccourcissez-le (50 000 caractères au plus).",
        technical,
      };
    case 429:
      return { title: "Trop de demandes en peu de temps.", hint: `Le service limite le débit : ${wait}.`, technical };
    case 503:
      return {
        title: unavailableTitle(f.code),
        hint: `Le service ou l'une de ses parties est momentanément indisponible : ${wait}.`,
        technical,
      };
    default:
      if (f.status >= 500)
        return {
          title: "Le service a rencontré une erreur interne.",
          hint: "Réessayez ; si l'erreur persiste, signalez-la avec le détail technique ci-dessous.",
          technical,
        };
      return { title: `Le service a refusé la demande (erreur ${f.status}).`, technical };
  }
}

function unavailableTitle(code: string | undefined): string {
  if (code === "lake_disabled") return "Le lac de documents n'est pas activé sur ce service.";
  if (code === "lake_unavailable") return "Le lac de documents est injoignable pour le moment.";
  if (code === "esco_disabled") return "La correspondance ESCO n'est pas chargée sur ce service.";
  return "Service momentanément indisponible.";
}

function invalidHint(f: Failure): string | undefined {
  if (!Array.isArray(f.details)) return undefined;
  const parts = f.details
    .map((d) => (d && typeof d === "object" ? (d as { path?: unknown; message?: unknown }) : null))
    .filter((d): d is { path?: unknown; message?: unknown } => d !== null && typeof d.message === "string")
    .map((d) => (typeof d.path === "string" && d.path ? `${d.path} : ${String(d.message)}` : String(d.message)));
  return parts.length ? `À corriger : ${parts.join(" ; ")}.` : undefined;
}

function technicalText(f: Failure): string | undefined {
  const bits = [f.status ? `HTTP ${f.status}` : null, f.code ?? null, f.message ?? null].filter(Boolean);
  return bits.length ? bits.join(" · ") : undefined;
}
