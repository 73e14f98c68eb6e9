// Reading a config file (YAML, or JSON which YAML also parses) and turning schema failures into
// errors that name the key path and, for a misspelling, the key that was probably meant.
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { parse as parseYaml } from 'yaml'
import type { z } from 'zod'
import { configSchema, type AgentwireConfig } from './schema.ts'
import { ConfigError, ConfigNotFoundError } from './errors.ts'
import { closestKey } from './closest-key.ts'

export async function loadConfigFile (file: string): Promise<AgentwireConfig> {
  const path = resolve(file)
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new ConfigNotFoundError(path)
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`)
  }
  let raw: unknown
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text)
  } catch (err) {
    throw new ConfigError(`${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`, 'fix the syntax at the line shown')
  }
  return validateConfig(raw, dirname(path), path)
}

/**
 * Validate an already-parsed config. Relative `dataDir` resolves against `baseDir` (the config
 * file's folder), so a config works from any working directory.
 */
export function validateConfig (raw: unknown, baseDir: string = process.cwd(), source = 'config'): AgentwireConfig {
  if (raw == null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${source} must be a mapping of keys to values`, 'see config/node.yaml for an example')
  }
  const result = configSchema.safeParse(raw)
  if (!result.success) {
    const lines = result.error.issues.flatMap(issue => describeIssue(issue, raw))
    throw new ConfigError(`${source} is invalid:\n  ${lines.join('\n  ')}`, 'every key is listed with its default in README.md, section "Config file"')
  }
  return { ...result.data, dataDir: resolve(baseDir, result.data.dataDir) }
}

function describeIssue (issue: z.core.$ZodIssue, raw: unknown): string[] {
  const at = issue.path.map(String).join('.')
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeysAt(issue.path)
    return issue.keys.map(key => {
      const path = at === '' ? key : `${at}.${key}`
      const guess = closestKey(key, known)
      return `${path}: unknown key${guess != null ? ` (did you mean "${at === '' ? guess : `${at}.${guess}`}"?)` : ''}; valid keys here: ${known.join(', ')}`
    })
  }
  if (issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined) {
    return [`${at}: required but missing`]
  }
  return [`${at === '' ? '(top level)' : at}: ${issue.message}`]
}

/** A property of an object read without trusting its type: zod's internals below, a raw config in valueAt. */
function get (o: unknown, key: PropertyKey): unknown {
  return o != null && typeof o === 'object' ? (o as Record<PropertyKey, unknown>)[key] : undefined
}

/**
 * The keys the schema accepts at a path, found by walking zod's definitions through default,
 * optional and prefault (`innerType`), transforms (a pipe's `in`), and a union's object form (a2a.inbox).
 */
export function knownKeysAt (path: readonly PropertyKey[]): string[] {
  let schema: unknown = configSchema
  for (const segment of [...path, null]) {
    for (let def = get(get(schema, '_zod'), 'def'); def != null; def = get(get(schema, '_zod'), 'def')) {
      const options = get(def, 'options')
      const next = get(def, 'innerType') ?? get(def, 'in') ?? (Array.isArray(options) ? (options as unknown[]).find(o => get(o, 'shape') != null) : undefined)
      if (next == null) break
      schema = next
    }
    if (segment === null) break
    schema = get(get(schema, 'shape'), String(segment))
  }
  const shape = get(schema, 'shape')
  return shape != null && typeof shape === 'object' ? Object.keys(shape) : []
}

function valueAt (raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw
  for (const segment of path) value = get(value, segment)
  return value
}
