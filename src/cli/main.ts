// The `loci` command: dispatches to subcommands; user mistakes print one line and exit 2, runtime errors exit 1.

import { DataDirError } from "../apiserver/data-dir.ts";
import { LOCI_VERSION } from "../apiserver/server.ts";
import { AGENT_HELP, agentCommand } from "./agent-command.ts";
import { HOLLOW_HELP, hollowCommand } from "./hollow-command.ts";
import { SERVER_HELP, serverCommand } from "./server-command.ts";
import { TOKEN_HELP, tokenCommand } from "./token-command.ts";
import { UP_HELP, upCommand } from "./up-command.ts";
import { UsageError } from "./usage-error.ts";

const HELP = `Usage: loci <command> [flags]

Commands:
  server     run the control plane (API server on the embedded store, controllers, scheduler)
  agent      run this machine as a node: its pods run as supervised processes
  up         run a local cluster: control plane and N nodes on this machine
  token      create, list and delete bootstrap tokens for joining machines
  hollow     run simulated nodes against a server (tests and benchmarks)
  version    print the loci version

Run 'loci <command> --help' for a command's flags.
`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case "server":
      return serverCommand(rest);
    case "agent":
      return agentCommand(rest);
    case "up":
      return upCommand(rest);
    case "token":
      return tokenCommand(rest);
    case "hollow":
      return hollowCommand(rest);
    case "version":
    case "--version":
      process.stdout.write(`loci ${LOCI_VERSION}\n`);
      return;
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(HELP);
      return;
    default:
      throw new UsageError(`loci: unknown command ${JSON.stringify(command)} (see 'loci --help')`);
  }
}

const debug = process.argv.includes("--debug");
main(process.argv.slice(2).filter((a) => a !== "--debug")).catch((e: unknown) => {
  if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    process.stderr.write(`${(e as Error).message.split("\n")[0]}\n`);
    process.exit(2);
  }
  if (debug) console.error(e);
  const text = (e as Error).message.split("\n")[0];
  // Messages that already name their command ("loci agent: …") are printed as they are.
  const msg = e instanceof DataDirError || text.startsWith("loci ") ? text : `loci: ${text}`;
  process.stderr.write(`${msg}\n`);
  process.exit(1);
});

export { AGENT_HELP, HOLLOW_HELP, SERVER_HELP, TOKEN_HELP, UP_HELP };
