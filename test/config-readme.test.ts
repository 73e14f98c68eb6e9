// The README's config table is the reference operators read: it must list every key the schema
// accepts, no key it does not, and each key's real default.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { configSchema } from '../src/config/schema.ts'
import { knownKeysAt } from '../src/config/load.ts'

/** Keys documented inline in one row rather than one row each (the object form of a2a.inbox). */
const DOCUMENTED_INLINE = new Set(['a2a.inbox'])

/** Every leaf key of the schema, as a dotted path. */
function schemaKeys (path: string[] = []): string[] {
  return knownKeysAt(path).flatMap(key => {
    const at = [...path, key]
    const dotted = at.join('.')
    return DOCUMENTED_INLINE.has(dotted) || knownKeysAt(at).length === 0 ? [dotted] : schemaKeys(at)
  })
}

interface Row { keys: string[], defaults: string[] }

/** The rows of the README's "Config file" table, with `a / b` and `x.{y,z}` spelled out. */
async function readmeRows (): Promise<Row[]> {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8')
  const section = readme.slice(readme.indexOf('\n## Config file'), readme.indexOf('\n## ', readme.indexOf('\n## Config file') + 1))
  const rows: Row[] = []
  for (const line of section.split('\n')) {
    const cells = line.split(' | ')
    if (!line.startsWith('| `') || cells.length < 3) continue
    const keyCell = cells[0].slice(2)
    let parent = ''
    const keys = keyCell.split(' / ').flatMap(part => {
      const name = part.replace(/`/g, '').trim()
      // `reputation.positiveHalfLifeMs` / `negativeHalfLifeMs`: later names share the first one's parent.
      const full = name.includes('.') && parent === '' ? name : name.startsWith(`${parent}.`) ? name : `${parent}${parent === '' ? '' : '.'}${name}`
      if (parent === '') parent = full.includes('.') ? full.split('.').slice(0, full.includes('{') ? full.slice(0, full.indexOf('{')).split('.').length - 2 : -1).join('.') : ''
      const brace = /^(.*)\.\{([^}]+)\}$/.exec(full)
      return brace != null ? brace[2].split(',').map(leaf => `${brace[1]}.${leaf}`) : [full]
    })
    const defaults = cells[1].split(' / ').flatMap(d => d.includes(', ') && !d.includes('`') ? d.split(', ') : [d]).map(d => d.trim())
    rows.push({ keys, defaults })
  }
  return rows
}

const UNIT_MS: Record<string, number> = { s: 1000, min: 60_000, h: 3_600_000, day: 86_400_000, days: 86_400_000 }

/** A README default as the value the schema would produce; undefined when the cell is prose (none, required). */
function readmeValue (cell: string): { value: unknown } | undefined {
  if (cell === 'none' || cell.includes('required')) return undefined
  const human = /^(\d+) (s|min|h|day|days)$/.exec(cell)
  if (human != null) return { value: Number(human[1]) * UNIT_MS[human[2]] }
  if (/^\d+(\.\d+)?$/.test(cell)) return { value: Number(cell) }
  const code = /^`([^`]*)`/.exec(cell)
  if (code == null) throw new Error(`README default "${cell}" is neither code nor a duration`)
  try {
    return { value: JSON.parse(code[1]) }
  } catch {
    return { value: code[1] } // an enum value written bare: `mutual`, `auto`
  }
}

function valueAt (value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => v != null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined, value)
}

test('the README config table lists exactly the keys the schema accepts', async () => {
  const documented = (await readmeRows()).flatMap(r => r.keys).sort()
  const accepted = schemaKeys().sort()
  assert.deepEqual(documented.filter(k => !accepted.includes(k)), [], 'README documents keys the schema refuses')
  assert.deepEqual(accepted.filter(k => !documented.includes(k)), [], 'the schema accepts keys the README does not document')
})

test('every default in the README config table is the schema\'s default', async () => {
  const defaults = configSchema.parse({ dataDir: 'x' })
  for (const { keys, defaults: cells } of await readmeRows()) {
    assert.equal(cells.length, keys.length === 1 ? 1 : keys.length, `README row ${keys.join(' / ')}: ${keys.length} keys but ${cells.length} defaults`)
    keys.forEach((key, i) => {
      const expected = readmeValue(cells[i])
      if (expected == null) return
      let actual = valueAt(defaults, key)
      if (key === 'a2a.inbox' && actual === null) actual = false // null is the validated form of false
      assert.deepEqual(actual, expected.value, `${key}: README says ${cells[i]}`)
    })
  }
})
