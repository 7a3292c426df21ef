// dotenv (imported by natural) prints a tip on every import unless this is set.
process.env.DOTENV_CONFIG_QUIET ??= "true";
