import { AgentwireError } from '../errors.ts'

export class ConfigError extends AgentwireError {
  static override name = 'ConfigError'
  constructor (message: string, hint?: string) {
    super('CONFIG_INVALID', message, hint)
    this.name = 'ConfigError'
  }
}

export class ConfigNotFoundError extends AgentwireError {
  static override name = 'ConfigNotFoundError'
  constructor (path: string) {
    super('CONFIG_NOT_FOUND', `config file not found: ${path}`, 'pass --config FILE, or create one with `agentwire init --data-dir DIR`')
    this.name = 'ConfigNotFoundError'
  }
}
