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

/** Bad command-line input: the command prints it (`name: message`, or its usage line when empty) and exits 2. */
export class UsageError extends Error {
  constructor(
    message = "",
    /** Print the usage line after the message. */
    readonly withUsage = false,
  ) {
    super(message);
  }
}

/** What a command's body receives: the parsed arguments, and checks that end in a UsageError. */
export interface CommandArgs {
  flags: Map<string, string>;
  positional: string[];
  /** A flag that takes a value: undefined when absent; given bare (`--out` alone), the usage line. */
  value(name: string): string | undefined;
  /** A flag that must be given with a value; `message` (name: message) otherwise. */
  required(name: string, message: string): string;
}

/**
 * A command whose body may throw UsageError: parsing, the usage line and exit code 2 are said once, here. A body
 * that returns nothing exits 0.
 */
export function defineCommand(
  spec: Omit<Command, "run"> & { run(args: CommandArgs): Promise<number | void> },
): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    async run(argv) {
      const { flags, positional } = parseFlags(argv);
      const value = (name: string) => {
        const v = flags.get(name);
        if (v === "true") throw new UsageError();
        return v;
      };
      const required = (name: string, message: string) => {
        const v = value(name);
        if (v === undefined) throw new UsageError(message);
        return v;
      };
      try {
        return (await spec.run({ flags, positional, value, required })) ?? 0;
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        const usage = `usage: ${spec.usage}`;
        console.error(e.message ? `${spec.name}: ${e.message}${e.withUsage ? `\n${usage}` : ""}` : usage);
        return 2;
      }
    },
  };
}
