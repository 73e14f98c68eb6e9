// `agentwire start`: run a node in the foreground until SIGINT, SIGTERM or `agentwire stop`.
import { loadConfigFile, type AgentwireConfig } from '../config/index.ts'
import { createLogger, type Logger } from '../log/logger.ts'
import { createAgentNode } from '../agent-node.ts'
import { startControlServer } from './server.ts'
import { socketPathFor } from './client.ts'
import { nodeHandlers } from './handlers.ts'

/** Hard limit on a clean shutdown; past it the process exits anyway. */
const STOP_DEADLINE_MS = 5_000

/** Exit code after an unhandled rejection (EX_SOFTWARE: an internal error). */
const EXIT_UNHANDLED_REJECTION = 70

export interface DaemonOptions {
  configPath: string
  /** Overrides `log.level` from the config. */
  logLevel?: string
}

export async function runDaemon (options: DaemonOptions): Promise<void> {
  const config: AgentwireConfig = await loadConfigFile(options.configPath)
  const log = createLogger({ level: options.logLevel ?? config.log.level, format: config.log.format })
  const node = await createAgentNode(config, { logger: log })
  let stopping: Promise<void> | undefined
  const stop = (why: string): Promise<void> => {
    stopping ??= (async () => {
      log.info({ why }, 'stopping')
      const deadline = setTimeout(() => { log.error({ waitingOn: node.waitingOn() }, 'clean stop took too long; exiting'); process.exit(1) }, STOP_DEADLINE_MS)
      deadline.unref()
      await control?.close().catch((err: unknown) => log.warn({ err }, 'closing control socket failed'))
      await node.stop()
      clearTimeout(deadline)
    })()
    return stopping
  }
  // A rejection nobody handled means some part of the node lost track of an error, so its state can
  // no longer be trusted: keeping it running would serve peers from broken state. Log it with its
  // stack, stop cleanly (the audit line, the data-dir lock), and exit non-zero for a supervisor to
  // restart it. Node's own default also exits, but without the clean stop. Only the daemon does
  // this: createAgentNode never installs process-wide handlers in a library user's process.
  process.on('unhandledRejection', reason => {
    log.fatal({ err: reason }, 'unhandled rejection: stopping the node; a supervisor should restart it')
    void stop('unhandled rejection').then(() => process.exit(EXIT_UNHANDLED_REJECTION), () => process.exit(EXIT_UNHANDLED_REJECTION))
  })
  let control: Awaited<ReturnType<typeof startControlServer>> | undefined
  try {
    await node.start()
    control = await startControlServer(socketPathFor(config.dataDir), nodeHandlers(node, { requestStop: () => { void stop('stop command').then(() => process.exit(0)) } }), log)
  } catch (err) {
    await stop('start failed')
    throw err
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => { void stop(signal).then(() => process.exit(0), () => process.exit(1)) })
  }
  printReady(config, node.info(), log)
}

function printReady (config: AgentwireConfig, info: ReturnType<Awaited<ReturnType<typeof createAgentNode>>['info']>, log: Logger): void {
  const jsonLine = config.log.format === 'json' || (config.log.format === 'auto' && process.stdout.isTTY !== true)
  if (jsonLine) {
    process.stdout.write(JSON.stringify({ event: 'ready', peerId: info.peerId, name: info.name, addresses: info.addresses, dataDir: info.dataDir }) + '\n')
  } else {
    process.stdout.write(`agentwire ready: ${info.peerId}${info.name != null ? ` (${info.name})` : ''}\n${info.addresses.map(a => `  listening on ${a}`).join('\n')}\n  control: ${cliCommand()} info --data-dir ${info.dataDir}\n`)
  }
  log.debug('ready line printed')
}

/**
 * How the operator runs the CLI, for the ready line's hint: started through npm (`npm start`,
 * `npx agentwire` in a checkout, where `agentwire` is not on PATH), `npx agentwire`; else the
 * installed `agentwire`.
 */
export function cliCommand (env: NodeJS.ProcessEnv = process.env): string {
  return env.npm_command != null || env.npm_lifecycle_event != null ? 'npx agentwire' : 'agentwire'
}
