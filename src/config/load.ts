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
  } catch (err: any) {
    if (err.code === 'ENOENT') throw new ConfigNotFoundError(path)
    throw new ConfigError(`cannot read config file ${path}: ${err.message}`)
  }
  let raw: unknown
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text)
  } catch (err: any) {
    throw new ConfigError(`${path} is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${err.message}`, 'fix the syntax at the line shown')
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

/** The keys the schema accepts at a path, found by walking through default/optional wrappers. */
function knownKeysAt (path: PropertyKey[]): string[] {
  let schema: any = configSchema
  for (const segment of [...path, null]) {
    for (let def = schema?._zod?.def; def != null; def = schema?._zod?.def) {
      // Through default/optional, transforms (pipe `in`), and a union's object form (a2a.inbox).
      const next = def.innerType ?? def.in ?? def.options?.find((o: any) => o?.shape != null)
      if (next == null) break
      schema = next
    }
    if (segment === null) break
    schema = schema?.shape?.[segment as string]
  }
  return Object.keys(schema?.shape ?? {})
}

function valueAt (raw: unknown, path: PropertyKey[]): unknown {
  let value: any = raw
  for (const segment of path) value = value?.[segment]
  return value
}
