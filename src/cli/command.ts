/** A CLI sub-command: `npm run cli -- <name> [args]`. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(args: string[]): Promise<number>;
}

/** Minimal `--flag value` / `--flag` / positional parser (node:util parseArgs is strict about unknown flags; we want readable errors). */
export function parseFlags(args: string[]): { flags: Map<string, string>; positional: string[] } {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else if (i + 1 < args.length && !args[i + 1]!.startsWith("--")) flags.set(a.slice(2), args[++i]!);
      else flags.set(a.slice(2), "true");
    } else positional.push(a);
  }
  return { flags, positional };
}
