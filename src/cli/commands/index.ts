import type { Command } from "../command.js";
import { buildIndexesCommand, evalCommand, matchCommand, serveCommand } from "./core.js";

/** Every CLI command. Add new ones here. */
export const commands: Command[] = [buildIndexesCommand, serveCommand, matchCommand, evalCommand];
