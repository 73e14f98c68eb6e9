// Argument parsing and printing, nothing else: every command but `init` and `start` is one call to
// the daemon's control socket. libp2p is only loaded by `start`, so other commands stay quick.
import { dirname, resolve } from 'node:path'
import { readFile } from 'node:fs/promises'
import { Command, Option } from 'commander'
import { AgentwireError, toErrorBody, type ErrorBody } from '../errors.ts'
import { callDaemon } from '../control/client.ts'
import type { ControlMethod, ControlParams } from '../control/protocol.ts'
import { printHuman, printEvent, type PrintedCommand, type PrintResults } from './print.ts'
import { safeText } from './safe-text.ts'
import { VERSION } from '../version.ts'

const DEFAULT_CONFIG = 'config/node.yaml'

interface CommonOptions { config?: string, dataDir?: string, json?: boolean }

/**
 * Which daemon a command talks to: --data-dir, else the dataDir of --config (default
 * config/node.yaml). Only `dataDir` is read here, without the full schema: the daemon already
 * validated its config, and skipping zod and multiaddr parsing roughly halves the CLI's start time.
 */
async function dataDirOf (options: CommonOptions): Promise<string> {
  if (options.dataDir != null) return resolve(options.dataDir)
  const file = resolve(options.config ?? process.env.AGENTWIRE_CONFIG ?? DEFAULT_CONFIG)
  try {
    const text = await readFile(file, 'utf8')
    const raw: unknown = file.endsWith('.json') ? JSON.parse(text) : (await import('yaml')).parse(text)
    const dataDir = raw != null && typeof raw === 'object' ? (raw as { dataDir?: unknown }).dataDir : undefined
    if (typeof dataDir === 'string' && dataDir !== '') return resolve(dirname(file), dataDir)
  } catch {}
  // Missing file, bad syntax or no dataDir: the full loader says exactly what is wrong.
  const { loadConfigFile } = await import('../config/index.ts')
  return (await loadConfigFile(file)).dataDir
}

function fail (err: unknown, json: boolean): never {
  const body: ErrorBody = toErrorBody(err)
  if (json) {
    process.stdout.write(JSON.stringify({ error: body }) + '\n')
  } else {
    // An error's text may quote a remote peer: made safe like every other human output. Our own
    // messages may list things on indented lines (a config's bad keys, a name's claimants); a line
    // break is kept, but every line after the first is indented, so no text can pose as `hint:`.
    const [first, ...rest] = body.message.split('\n').map(line => safeText(line))
    const message = [first, ...rest.map(line => line.startsWith('  ') ? line : `  ${line}`)].join('\n')
    process.stderr.write(`error: ${message}\n${body.hint != null ? `hint: ${safeText(body.hint)}\n` : ''}`)
  }
  process.exit(1)
}

function output<C extends PrintedCommand> (command: C, result: PrintResults[C], json: boolean): void {
  process.stdout.write((json ? JSON.stringify(result) : printHuman(command, result)) + '\n')
}

function withCommonOptions (cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', `config file of the daemon to talk to (default: $AGENTWIRE_CONFIG or ${DEFAULT_CONFIG})`)
    .option('-d, --data-dir <dir>', 'data directory of the daemon to talk to (instead of --config)')
    .option('--json', 'print JSON instead of text')
}

/** Register a command that sends one request to the daemon and prints the answer. */
function parseJsonOption (text: string, flag: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    throw new AgentwireError('BAD_JSON', `${flag} is not valid JSON: ${text}`, `quote it for the shell, e.g. ${flag} '{"k": 1}'`)
  }
}

/**
 * Register a command that sends one request to the daemon and prints the answer. `O` is the shape of
 * the command's own options (declared with `.option` after this call), `M` its control method.
 */
function daemonCommand<M extends ControlMethod, O extends object = object> (program: Command, spec: string, description: string, method: M, params?: (args: string[], opts: O) => ControlParams<M>, callOptions: { timeoutMs?: number } = {}): Command {
  const cmd = withCommonOptions(program.command(spec).description(description))
  cmd.action(async (...received: unknown[]) => {
    // Commander passes the command object last; its args are the positional arguments.
    const command = received[received.length - 1] as Command
    // Commander types options as a loose record; this command declared them as O.
    const opts = command.optsWithGlobals<CommonOptions & O>()
    try {
      const dataDir = await dataDirOf(opts)
      const json = opts.json === true
      // Streamed events print as they arrive: one JSON line each with --json, a readable line otherwise.
      const onEvent = (event: unknown): void => { process.stdout.write((json ? JSON.stringify(event) : printEvent(event)) + '\n') }
      const result = await callDaemon<M>(dataDir, method, params?.(command.args, opts), { onEvent, ...callOptions })
      // PrintResults extends ControlResults, so this is the same type; TS does not see it for a generic M.
      output<M>(method, result as PrintResults[M], json)
    } catch (err) {
      fail(err, opts.json === true)
    }
  })
  return cmd
}

export function buildProgram (): Command {
  const program = new Command('agentwire')
    .description('A network node for AI agents: permanent PeerId addresses, names, NAT traversal, trust and A2A over libp2p.')
    .version(VERSION)
    .showHelpAfterError()

  program.command('start')
    .description('run the node in the foreground (Ctrl-C stops it)')
    .option('-c, --config <file>', `config file (default: $AGENTWIRE_CONFIG or ${DEFAULT_CONFIG})`)
    .addOption(new Option('--log-level <level>', 'override log.level').choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']))
    .action(async (opts: { config?: string, logLevel?: string }) => {
      try {
        const { runDaemon } = await import('../control/daemon.ts')
        await runDaemon({ configPath: opts.config ?? process.env.AGENTWIRE_CONFIG ?? DEFAULT_CONFIG, ...(opts.logLevel != null ? { logLevel: opts.logLevel } : {}) })
      } catch (err) {
        fail(err, false)
      }
    })

  program.command('init')
    .description('write a config and a key for a new node, start nothing')
    .requiredOption('-d, --data-dir <dir>', 'where the node keeps its key, datastore and config')
    .option('-n, --name <name>', 'human name to publish in the DHT')
    .option('-l, --listen <multiaddr...>', 'listen addresses (default /ip4/0.0.0.0/tcp/0)')
    .option('--json', 'print JSON instead of text')
    .action(async (opts: { dataDir: string, name?: string, listen?: string[], json?: boolean }) => {
      try {
        const { initNode } = await import('./init.ts')
        output('init', await initNode(opts), opts.json === true)
      } catch (err) {
        fail(err, opts.json === true)
      }
    })

  daemonCommand(program, 'info', 'this node: PeerId, name, addresses, connections, uptime', 'info')
  daemonCommand(program, 'peers', 'connected peers, direct or relayed, with latency', 'peers')
  daemonCommand(program, 'ping <target>', 'round-trip time to a peer (PeerId, name or multiaddr)', 'ping', ([target]) => ({ target }))
  daemonCommand(program, 'connect <target>', 'open a connection to a peer', 'connect', ([target]) => ({ target }))
  daemonCommand(program, 'disconnect <target>', 'close every connection to a peer', 'disconnect', ([target]) => ({ target }))
  daemonCommand(program, 'resolve <name>', 'find the PeerId and addresses behind a name (pinned on first use)', 'resolve', ([target], opts: { acceptNew?: boolean, pick?: string }) => ({ target, acceptNew: opts.acceptNew === true, ...(opts.pick != null ? { pick: opts.pick } : {}) }))
    .option('--accept-new', 'forget the pin and choose again (the trusted claimant, or the only one)')
    .option('--pick <peerId>', 'choose this claimant of the name and pin it (settles NAME_AMBIGUOUS)')
  daemonCommand(program, 'send <target> <text>', 'send an A2A message to a peer\'s agent and print the result', 'send', ([target, text], opts: { data?: string, context?: string, task?: string, stream?: boolean }) => ({
    target,
    text,
    ...(opts.data != null ? { data: parseJsonOption(opts.data, '--data') } : {}),
    ...(opts.context != null ? { contextId: opts.context } : {}),
    ...(opts.task != null ? { taskId: opts.task } : {}),
    stream: opts.stream === true
  }), { timeoutMs: 0 })
    .option('--data <json>', 'a JSON value sent as a data part beside the text')
    .option('--stream', 'stream the task\'s events as they arrive (SendStreamingMessage)')
    .option('--context <id>', 'continue a conversation (contextId)')
    .option('--task <id>', 'continue a task that asked for more input (taskId)')
  const tasks = program.command('tasks').description('A2A tasks you started on a peer\'s agent')
  daemonCommand(tasks, 'list <target>', 'your tasks on that peer, newest first', 'tasks.list', ([target], opts: { context?: string, pageSize?: string, pageToken?: string }) => ({
    target,
    ...(opts.context != null ? { contextId: opts.context } : {}),
    ...(opts.pageSize != null ? { pageSize: Number(opts.pageSize) } : {}),
    ...(opts.pageToken != null ? { pageToken: opts.pageToken } : {})
  }))
    .option('--context <id>', 'only tasks of this contextId')
    .option('--page-size <n>', 'tasks per page')
    .option('--page-token <token>', 'the nextPageToken of the previous page')
  daemonCommand(tasks, 'get <target> <taskId>', 'one task with its status, artifacts and history', 'tasks.get', ([target, taskId]) => ({ target, taskId }))
  daemonCommand(tasks, 'cancel <target> <taskId>', 'cancel a running task', 'tasks.cancel', ([target, taskId]) => ({ target, taskId }))
  daemonCommand(program, 'card <target>', 'a peer\'s AgentCard, fetched over libp2p and signature-checked', 'card', ([target]) => ({ target }))

  const trust = program.command('trust').description('the trust handshake: who may send work to this node')
  daemonCommand(trust, 'request <target>', 'ask a peer to trust this node (implies that this node trusts it)', 'trust.request', ([target], opts: { reason?: string }) => ({ target, reason: opts.reason }))
    .option('-r, --reason <text>', 'why, shown to the peer\'s operator (at most 280 characters)')
  daemonCommand(trust, 'pending', 'requests waiting for your decision', 'trust.pending')
  daemonCommand(trust, 'approve <peer>', 'approve a peer (answers its request, or approves in advance)', 'trust.approve', ([target]) => ({ target }))
  daemonCommand(trust, 'reject <peer>', 'reject a peer\'s request', 'trust.reject', ([target]) => ({ target }))
  daemonCommand(trust, 'revoke <peer>', 'withdraw trust: refuse the peer from now on and close its connections', 'trust.revoke', ([target]) => ({ target }))
  daemonCommand(trust, 'list', 'every peer with a trust record: state, since, mutual or not', 'trust.list')

  daemonCommand(program, 'rate <peer> <outcome>', 'record an outcome by hand (ok, fail, timeout, invalid, malicious); published as a trust report', 'rate', ([target, outcome], opts: { note?: string }) => ({ target, outcome, ...(opts.note != null ? { note: opts.note } : {}) }))
    .option('--note <text>', 'why (kept in the audit log)')
  const reputation = daemonCommand(program, 'reputation [peer]', 'reputation of one peer, or of every known peer', 'reputation', ([target]) => (target != null ? { target } : {}))
  daemonCommand(reputation, 'watch', 'print each verified trust report from the network as it arrives (Ctrl-C to stop)', 'reputation.watch', (_args, opts: { all?: boolean }) => ({ all: opts.all === true }), { timeoutMs: 0 })
    .option('--all', 'also this node\'s own publications, rejections, quarantines and releases')
  daemonCommand(reputation, 'unquarantine <peer>', 'lift a quarantine deliberately', 'reputation.unquarantine', ([target]) => ({ target }))

  withCommonOptions(program.command('audit'))
    .description('list or verify the audit log (works with the daemon stopped)')
    .option('-p, --peer <peerId>', 'only entries about this peer')
    .option('-s, --since <time>', 'only entries at or after this time (ISO 8601, or e.g. 10m, 2h, 1d ago)')
    .option('-n, --limit <n>', 'only the newest N entries', (v: string) => Number.parseInt(v, 10))
    .option('--verify', 'check the whole hash chain; exit 0 with the entry count, 1 naming the first broken line')
    .option('--witnesses', 'with --verify: also check the checkpoints trusted peers keep of this log (daemon running)')
    .action(async (opts: CommonOptions & { peer?: string, since?: string, limit?: number, verify?: boolean, witnesses?: boolean }) => {
      try {
        const { auditCommand } = await import('./audit.ts')
        const { result, ok } = await auditCommand(await dataDirOf(opts), opts)
        output(opts.verify === true ? 'audit.verify' : 'audit', result, opts.json === true)
        if (!ok) process.exit(1)
      } catch (err) {
        fail(err, opts.json === true)
      }
    })

  withCommonOptions(program.command('health'))
    .description('health verdict for monitoring: exit 0 healthy, 1 degraded, 2 unhealthy or not running')
    .action(async (opts: CommonOptions) => {
      const json = opts.json === true
      let report: PrintResults['health']
      try {
        report = await callDaemon(await dataDirOf(opts), 'health')
      } catch (err) {
        const body = toErrorBody(err)
        report = { status: 'unhealthy', exitCode: 2, checks: [{ name: 'daemon', level: 'unhealthy', detail: `${body.message}${body.hint != null ? ` (${body.hint})` : ''}` }] }
      }
      output('health', report, json)
      process.exit(report.exitCode)
    })

  withCommonOptions(program.command('status'))
    .description('one-screen summary for an operator: peers, trust, A2A, refusals, health (live on a terminal)')
    .option('--once', 'print once and exit (the default when not on a terminal, or with --json)')
    .option('--interval <seconds>', 'refresh interval of the live view', (v: string) => Number(v), 2)
    .action(async (opts: CommonOptions & { once?: boolean, interval: number }) => {
      const json = opts.json === true
      try {
        const dataDir = await dataDirOf(opts)
        const live = !json && opts.once !== true && process.stdout.isTTY === true
        // Live: until Ctrl-C; otherwise once.
        for (;;) {
          const summary = await callDaemon(dataDir, 'status')
          if (live) process.stdout.write('\x1b[2J\x1b[H') // clear the screen, cursor home
          output('status', summary, json)
          if (!live) break
          process.stdout.write(`\n(refreshing every ${opts.interval}s; Ctrl-C to quit)\n`)
          await new Promise(resolve => setTimeout(resolve, Math.max(0.5, opts.interval) * 1000))
        }
      } catch (err) {
        fail(err, json)
      }
    })

  // ---- the inbox (a2a.inbox) and the MCP server ----
  const inboxList = async (opts: CommonOptions & { all?: boolean, from?: string, watch?: boolean }): Promise<void> => {
    const json = opts.json === true
    try {
      const dataDir = await dataDirOf(opts)
      output('inbox.list', await callDaemon(dataDir, 'inbox.list', { all: opts.all === true, ...(opts.from != null ? { from: opts.from } : {}) }), json)
      if (opts.watch !== true) return
      const { describeInboxEvent } = await import('./print-inbox.ts')
      await callDaemon(dataDir, 'inbox.watch', {}, { timeoutMs: 0, onEvent: e => { process.stdout.write((json ? JSON.stringify(e) : describeInboxEvent(e)) + '\n') } })
    } catch (err) {
      fail(err, json)
    }
  }
  const listOptions = (cmd: Command): Command => withCommonOptions(cmd)
    .option('--all', 'also answered, failed and canceled tasks (kept 7 days)')
    .option('--from <peerId>', 'only tasks from this peer')
    .option('-w, --watch', 'then print each new task and change as it happens (Ctrl-C to stop)')
  // Options may sit on `inbox` or on `inbox list`: read them with the parent's.
  const inboxAction = async (_opts: unknown, cmd: Command): Promise<void> => { await inboxList(cmd.optsWithGlobals()) }
  const inbox = listOptions(program.command('inbox').description('inbound A2A tasks waiting for a local answer (needs a2a.inbox)')).action(inboxAction)
  listOptions(inbox.command('list').description('tasks waiting for an answer, oldest first')).action(inboxAction)
  daemonCommand(inbox, 'show <taskId>', 'one task in full (marks it working: its caller sees it was picked up)', 'inbox.show', ([taskId]) => ({ taskId }))
  daemonCommand(inbox, 'reply <taskId> [text]', 'answer a task: its caller\'s task completes with this text and/or data', 'inbox.reply', ([taskId, text], opts: { data?: string, ask?: boolean }) => ({
    taskId,
    ...(text != null ? { text } : {}),
    ...(opts.data != null ? { data: parseJsonOption(opts.data, '--data') } : {}),
    state: opts.ask === true ? 'input-required' : 'completed'
  }))
    .option('--data <json>', 'a JSON value sent as a data part of the answer')
    .option('--ask', 'ask the caller for more input instead of finishing the task (input-required)')
  daemonCommand(inbox, 'fail <taskId> <reason>', 'fail a task, telling its caller why', 'inbox.reply', ([taskId, text]) => ({ taskId, text, state: 'failed' }))

  program.command('mcp')
    .description('an MCP server on stdio, so an LLM agent (Claude Code, Desktop, any MCP client) drives this node as tools')
    .option('-c, --config <file>', `config file of the daemon to talk to (default: $AGENTWIRE_CONFIG or ${DEFAULT_CONFIG})`)
    .option('-d, --data-dir <dir>', 'data directory of the daemon to talk to (instead of --config)')
    .action(async (opts: CommonOptions) => {
      try {
        const { runMcpServer } = await import('../mcp/server.ts')
        await runMcpServer({ dataDir: await dataDirOf(opts), ...(opts.dataDir == null ? { configPath: resolve(opts.config ?? process.env.AGENTWIRE_CONFIG ?? DEFAULT_CONFIG) } : {}) })
      } catch (err) {
        fail(err, false)
      }
    })

  daemonCommand(program, 'stop', 'stop the running daemon', 'stop')
  return program
}

await buildProgram().parseAsync(process.argv)
