// Starting and stopping a node's parts in order, as libp2p starts its own components: a second
// start() while starting or started is the same start; a part that fails to start stops every part
// that had started (in stop order) before the error reaches the caller, so a failed start leaves
// nothing running. Stop takes every started part down even when one of them fails.
import type { Logger } from '../log/logger.ts'

/** A part of the node with a lifecycle (libp2p's `Startable`, reduced to what we call). */
export interface Part {
  start: () => void | Promise<void>
  stop: () => void | Promise<void>
}

export type LifecycleStatus = 'stopped' | 'starting' | 'started' | 'stopping'

export class Lifecycle<Name extends string> {
  private readonly parts: ReadonlyArray<[Name, Part]>
  private readonly stopOrder: readonly Name[]
  private readonly log: Logger
  private readonly started = new Set<Name>()
  private starting: Promise<void> | undefined
  private stopping: Promise<unknown[]> | undefined
  status: LifecycleStatus = 'stopped'

  /**
   * @param parts - in start order
   * @param stopOrder - the order to stop them in; every part must be named once
   */
  constructor (parts: ReadonlyArray<[Name, Part]>, stopOrder: readonly Name[], log: Logger) {
    const names = parts.map(([name]) => name)
    const missing = names.filter(n => !stopOrder.includes(n))
    if (missing.length > 0 || stopOrder.length !== names.length) throw new Error(`stop order must name every part once (missing: ${missing.join(', ') || 'none'})`)
    this.parts = parts
    this.stopOrder = stopOrder
    this.log = log
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
      try {
        await part?.stop()
      } catch (err) {
        this.log.warn({ err, part: name }, 'a part failed to stop')
        errors.push(err)
      }
      this.started.delete(name)
    }
    return errors
  }
}
