// Structured logs with pino: readable lines on a terminal, one JSON object per line otherwise.
// Logs go to stderr so stdout carries only what a script may parse (the daemon's ready line).
import { pino, type Logger } from 'pino'
import pretty from 'pino-pretty'

export type { Logger }

export interface LoggerInit {
  /** @default "info" */
  level?: string
  /** @default "auto" */
  format?: 'auto' | 'pretty' | 'json'
}

export function createLogger (init: LoggerInit = {}): Logger {
  const level = init.level ?? 'info'
  const usePretty = init.format === 'pretty' || ((init.format ?? 'auto') === 'auto' && process.stderr.isTTY === true)
  if (usePretty) {
    // A synchronous in-thread stream: no worker thread to start, and nothing lost on exit.
    return pino({ level, base: undefined }, pretty({ destination: 2, sync: true, colorize: process.stderr.isTTY === true, ignore: 'pid,hostname' }))
  }
  return pino({ level, base: undefined }, pino.destination({ dest: 2, sync: true }))
}

/** A logger that drops everything: the default for library use. */
export function silentLogger (): Logger {
  return pino({ level: 'silent' })
}
