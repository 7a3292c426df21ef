import type { Command } from "../command.js";
import { proximityCommand, profileCommand, searchCommand, browseCommand } from "./passerelles.js";
import { ingestCommand, lakeDeleteCommand, lakePurgeCommand, lakeStatsCommand } from "./ingest.js";
import { buildIndexesCommand, evalCommand, matchCommand, serveCommand } from "./core.js";
import { trendsCommand } from "./trends.js";
import { trendsBacktestCommand } from "./trends-backtest.js";
import { feedbackExportCommand } from "./feedback.js";
import { romeDiffCommand } from "./rome.js";
import { labelsAuditCommand } from "./labels.js";
import { skillsEvalCommand } from "./skills.js";

/** Every CLI command. Add new ones here. */
export const commands: Command[] = [
  buildIndexesCommand,
  serveCommand,
  matchCommand,
  evalCommand,
  skillsEvalCommand,
  labelsAuditCommand,
  proximityCommand,
  profileCommand,
  searchCommand,
  browseCommand,
  romeDiffCommand,
  ingestCommand,
  lakePurgeCommand,
  lakeDeleteCommand,
  lakeStatsCommand,
  feedbackExportCommand,
  trendsCommand,
  trendsBacktestCommand,
];
