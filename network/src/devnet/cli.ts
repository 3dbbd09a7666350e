#!/usr/bin/env node
import { Devnet } from './devnet';
import { DevnetError } from './processes';
import { devnetOptions } from './settings';

const HELP = `Usage: devnet <command>

A real Hyperledger Fabric network as local processes: 3 Raft orderers, provider orgs with a CA, a peer
and a chaincode server each, channel "emr" with the EMR chaincode. State lives in .devnet/ (EMR_DEVNET_DIR).

Commands:
  up                  bring the network up (idempotent: says so when it already runs)
  down                stop every process and delete .devnet/
  status              list the processes and whether they run
  add-provider <n>    onboard provider<n> into the running channel (config update signed by the members)
  restart <node>      restart one node, e.g. peer0-provider1

Environment:
  EMR_DEVNET_DIR        state folder (default: <repo>/.devnet)
  EMR_DEVNET_PORT_BASE  first port (default: 7000; org n uses base+100n … base+100n+99)
  EMR_TOOLS_DIR         toolchain from \`make tools\` (default: scripts/tools.sh --print-dir)
`;

type Command = (devnet: Devnet, arg: string | undefined, started: number) => Promise<void>;

const COMMANDS: Readonly<Record<string, Command>> = {
  async up(devnet, _arg, started) {
    if ((await devnet.up()) === 'already-running') {
      process.stdout.write(`devnet is already running (${devnet.layout.networkFile()})\n`);
      return;
    }
    printSummary(await devnet.describe(), Date.now() - started);
  },
  async down(devnet) {
    const stopped = await devnet.down();
    process.stdout.write(`devnet stopped ${stopped} processes and removed ${devnet.layout.settings.root}\n`);
  },
  async status(devnet) {
    for (const record of await devnet.supervisor.records()) {
      const state = (await devnet.supervisor.isRunning(record.name)) ? 'running' : 'STOPPED';
      const ports = JSON.stringify(record.ports);
      process.stdout.write(`${record.name.padEnd(22)} ${state.padEnd(8)} pid ${record.pid}  ${ports}\n`);
    }
  },
  async 'add-provider'(devnet, arg, started) {
    const index = Number(arg);
    if (!Number.isInteger(index) || index < 1) {
      throw new DevnetError('add-provider needs the number of the provider, e.g. `devnet add-provider 3`');
    }
    await devnet.addProvider(index);
    process.stdout.write(`provider${index} joined in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  },
  async restart(devnet, arg) {
    await devnet.restart(arg ?? '');
  },
};

async function main(argv: readonly string[]): Promise<void> {
  const [command = 'help', arg] = argv;
  const run = COMMANDS[command];
  if (['help', '--help', '-h'].includes(command)) {
    process.stdout.write(HELP);
    return;
  }
  if (!run) {
    throw new DevnetError(`unknown command "${command}"; see devnet --help`);
  }
  await run(new Devnet(devnetOptions()), arg, Date.now());
}

function printSummary(description: Awaited<ReturnType<Devnet['describe']>>, elapsedMs: number): void {
  const lines = [
    `devnet is up in ${(elapsedMs / 1000).toFixed(1)} s — channel ${description.channel}, chaincode ${description.chaincode}`,
  ];
  for (const orderer of description.orderers)
    lines.push(`  ${orderer.name.padEnd(18)} ${orderer.endpoint}  admin ${orderer.adminUrl}`);
  for (const org of description.organizations) {
    lines.push(`  ${org.mspId.padEnd(18)} CA ${org.ca.url}`);
    for (const peer of org.peers) lines.push(`  ${peer.name.padEnd(18)} ${peer.endpoint}`);
    if (org.gatewayUrl !== undefined) lines.push(`  ${`gateway-${org.name}`.padEnd(18)} ${org.gatewayUrl}`);
  }
  lines.push('Details: .devnet/network.json · logs: .devnet/logs/ · stop: make devnet-down');
  process.stdout.write(`${lines.join('\n')}\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  // A DevnetError is a sentence for people; anything else keeps its stack for a bug report.
  process.stderr.write(
    err instanceof DevnetError
      ? `devnet: ${err.message}\n`
      : `devnet: ${(err as Error).stack ?? String(err)}\n`,
  );
  process.exitCode = 1;
});
