/**
 * Operator visibility: counters since start (`NodeStats`), Prometheus metrics (`metrics.listen`),
 * and the health verdict behind `agentwire health`.
 *
 * @example
 * ```ts
 * const report = assessHealth(inputs) // { status: 'ok', exitCode: 0, checks: [...] }
 * ```
 */
export { NodeStats, type Refusal } from './node-stats.ts'
export { registerAgentMetrics, startMetricsServer, type MetricsServer } from './prometheus.ts'
export { assessHealth, type HealthReport, type HealthInputs, type HealthCheck } from './health.ts'
export { MetricsEndpoint, metricsEndpoint, type MetricsEndpointInit, type MetricsEndpointComponents } from './endpoint.ts'
