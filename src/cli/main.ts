import "../text/index.js";
import type { Command } from "./command.js";
import { commands } from "./commands/index.js";

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const cmd: Command | undefined = commands.find((c) => c.name === name);
  if (!cmd || name === "help" || name === "--help") {
    console.error("usage: npm run cli -- <command> [options]\n");
    for (const c of commands) console.error(`  ${c.usage.padEnd(60)} ${c.summary}`);
    return name && name !== "help" && name !== "--help" ? 2 : 0;
  }
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    // Exit now: a failed command can leave handles open (a cluster worker's channel, a database pool) that would
    // keep the process alive, failed, forever.
    process.exit(1);
  },
);
