/**
 * The agentwire config: schema, defaults and loading.
 *
 * @example
 * ```ts
 * import { loadConfigFile } from './config/index.ts'
 * const config = await loadConfigFile('config/node.yaml')
 * console.log(config.dataDir, config.listen)
 * ```
 */
export { configSchema, NAME_PATTERN, type AgentwireConfig, type AgentwireConfigInput } from './schema.ts'
export { loadConfigFile, validateConfig } from './load.ts'
export { ConfigError, ConfigNotFoundError } from './errors.ts'
