// The Prometheus endpoint as a part of the node (`metrics.listen`): registers agentwire's metrics
// beside libp2p's in the node's registry and serves them while the node runs.
import type { Registry } from 'prom-client'
import type { Logger } from '../log/logger.ts'
import { registerAgentMetrics, startMetricsServer, type MetricsServer, type MetricsSources } from './prometheus.ts'

export interface MetricsEndpointInit {
  /** host:port to serve /metrics on; nothing is served without it. */
  listen?: string
}

export interface MetricsEndpointComponents {
  registry: Registry
  sources: MetricsSources
  logger: Logger
}

export class MetricsEndpoint {
  private readonly c: MetricsEndpointComponents
  private readonly init: MetricsEndpointInit
  private server: MetricsServer | undefined

  constructor (components: MetricsEndpointComponents, init: MetricsEndpointInit) {
    this.c = components
    this.init = init
  }

  /** The URL scrapers use, once it serves. */
  get url (): string | undefined { return this.server?.url }

  async start (): Promise<void> {
    if (this.init.listen == null) return
    registerAgentMetrics(this.c.registry, this.c.sources)
    this.server = await startMetricsServer(this.init.listen, this.c.registry)
    this.c.logger.info({ url: this.server.url }, 'metrics served')
  }

  async stop (): Promise<void> {
    await this.server?.close()
  }
}

export function metricsEndpoint (init: MetricsEndpointInit): (components: MetricsEndpointComponents) => MetricsEndpoint {
  return (components) => new MetricsEndpoint(components, init)
}
