// Starting and stopping a node's parts in order, as libp2p starts its own components: a second
// start() while starting or started is the same start; a part that fails to start stops every part
// that had started (in stop order) before the error reaches the caller, so a failed start leaves
// nothing running. Stop takes every started part down even when one of them fails, and waits on
// none of them for ever: a part still stopping after NODE_PART_STOP_TIMEOUT_MS is logged with what
// it waits on and left behind, so a stuck component cannot keep the data dir locked (or a test's
// after hook hanging) with nothing said.
import type { Logger } from '../log/logger.ts'
import { NODE_PART_STOP_TIMEOUT_MS } from './constants.ts'
import { NodeStopTimeoutError } from './errors.ts'

/** A part of the node with a lifecycle (libp2p's `Startable`, reduced to what we call). */
export interface Part {
  start: () => void | Promise<void>
  stop: () => void | Promise<void>
  /** While stop() runs: what inside the part it still waits on, named for the log if it takes too long. */
  waitingOn?: () => string[]
}

export type LifecycleStatus = 'stopped' | 'starting' | 'started' | 'stopping'

export class Lifecycle<Name extends string> {
  private readonly parts: ReadonlyArray<[Name, Part]>
  private readonly stopOrder: readonly Name[]
  private readonly log: Logger
  private readonly started = new Set<Name>()
  private starting: Promise<void> | undefined
  private stopping: Promise<unknown[]> | undefined
  private partStopping: Name | undefined
  private readonly partStopTimeoutMs: number
  status: LifecycleStatus = 'stopped'

  /**
   * @param parts - in start order
   * @param stopOrder - the order to stop them in; every part must be named once
   * @param partStopTimeoutMs - how long one part may take to stop, in ms @default NODE_PART_STOP_TIMEOUT_MS
   */
  constructor (parts: ReadonlyArray<[Name, Part]>, stopOrder: readonly Name[], log: Logger, partStopTimeoutMs: number = NODE_PART_STOP_TIMEOUT_MS) {
    const names = parts.map(([name]) => name)
    const missing = names.filter(n => !stopOrder.includes(n))
    if (missing.length > 0 || stopOrder.length !== names.length) throw new Error(`stop order must name every part once (missing: ${missing.join(', ') || 'none'})`)
    this.parts = parts
    this.stopOrder = stopOrder
    this.log = log
    this.partStopTimeoutMs = partStopTimeoutMs
  }

  /** While stop() runs: the part it waits on, with what inside that part is still stopping. */
  waitingOn (): string[] {
    const name = this.partStopping
    if (name == null) return []
    const inner = this.parts.find(([n]) => n === name)?.[1].waitingOn?.() ?? []
    return [inner.length > 0 ? `${name} (${inner.join(', ')})` : name]
  }

  async start (): Promise<void> {
    if (this.status === 'started') return
    if (this.starting != null) return await this.starting
    if (this.status === 'stopping') throw new Error('the node is stopping; start it again once stop() has returned')
    this.status = 'starting'
    this.starting = this.startAll().finally(() => { this.starting = undefined })
    return await this.starting
  }

  private async startAll (): Promise<void> {
    try {
      for (const [name, part] of this.parts) {
        await part.start()
        this.started.add(name)
      }
      this.status = 'started'
    } catch (err) {
      this.log.error({ err }, 'the node failed to start; stopping what had started')
      await this.stopStarted()
      this.status = 'stopped'
      throw err
    }
  }

  async stop (): Promise<void> {
    if (this.stopping != null) { await this.stopping; return }
    // Let a start in progress finish (or roll back) first, so stop() never races it.
    await this.starting?.catch(() => { /* its error went to the start() caller */ })
    if (this.status !== 'started') return
    this.status = 'stopping'
    this.stopping = this.stopStarted().finally(() => { this.status = 'stopped'; this.stopping = undefined })
    const errors = await this.stopping
    if (errors.length > 0) throw errors[0]
  }

  /** Stop each started part in stop order; a failure is logged and the rest still stop. */
  private async stopStarted (): Promise<unknown[]> {
    const errors: unknown[] = []
    for (const name of this.stopOrder) {
      if (!this.started.has(name)) continue
      const part = this.parts.find(([n]) => n === name)?.[1]
      this.partStopping = name
      try {
        if (part != null) await this.stopPart(name, part)
      } catch (err) {
        if (!(err instanceof NodeStopTimeoutError)) this.log.warn({ err, part: name }, 'a part failed to stop')
        errors.push(err)
      }
      this.partStopping = undefined
      this.started.delete(name)
    }
    return errors
  }

  /** One part's stop, given up (logged, NodeStopTimeoutError) after partStopTimeoutMs. */
  private async stopPart (name: Name, part: Part): Promise<void> {
    const stopped = Promise.resolve().then(async () => { await part.stop() })
    let timer: NodeJS.Timeout | undefined
    // Not unref'd: while a stop is pending, this timer is what guarantees stop() returns.
    const gaveUp = new Promise<'gave up'>(resolve => { timer = setTimeout(() => { resolve('gave up') }, this.partStopTimeoutMs) })
    try {
      if (await Promise.race([stopped, gaveUp]) !== 'gave up') return
    } finally {
      clearTimeout(timer)
    }
    const waitingOn = this.waitingOn()
    this.log.error({ part: name, waitedMs: this.partStopTimeoutMs, waitingOn }, 'a part did not stop in time; going on without it')
    stopped.catch((err: unknown) => { this.log.warn({ err, part: name }, 'a part that was given up on failed to stop') })
    throw new NodeStopTimeoutError(this.partStopTimeoutMs, waitingOn)
  }
}
