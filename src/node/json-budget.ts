// A nesting budget checked on the raw text before JSON.parse materialises it. JSON.parse builds
// every nested array and object at once: a few MiB of `[[[[…]]]]` becomes millions of live objects
// (a 3.6 MiB frame doubled a daemon's RSS). A linear scan of the text costs nothing by comparison.
import { AgentwireError } from '../errors.ts'

/** Deepest nesting of arrays and objects accepted in any JSON we read from outside. Real A2A messages nest a dozen levels at most. */
export const MAX_JSON_DEPTH = 64

/** Most arrays and objects in one JSON text: bounds what a flat but container-heavy text (`[[],[],…]`) materialises. */
export const MAX_JSON_CONTAINERS = 100_000

export class JsonBudgetError extends AgentwireError {
  static override name = 'JsonBudgetError'
  constructor (reason: string) {
    super('JSON_TOO_COMPLEX', `refused JSON: ${reason}`, `keep JSON under ${MAX_JSON_DEPTH} levels of nesting and ${MAX_JSON_CONTAINERS} arrays and objects`)
    this.name = 'JsonBudgetError'
  }
}

export interface JsonBudget {
  /** @default MAX_JSON_DEPTH */
  maxDepth?: number
  /** @default MAX_JSON_CONTAINERS */
  maxContainers?: number
}

/** Throw JsonBudgetError if `text` nests deeper or holds more containers than the budget allows. Strings are skipped, so brackets inside them do not count. */
export function checkJsonBudget (text: string, budget: JsonBudget = {}): void {
  const maxDepth = budget.maxDepth ?? MAX_JSON_DEPTH
  const maxContainers = budget.maxContainers ?? MAX_JSON_CONTAINERS
  let depth = 0
  let containers = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x22) { // "…": skip to the closing quote, over escapes
      for (i++; i < text.length; i++) {
        const s = text.charCodeAt(i)
        if (s === 0x5c) i++
        else if (s === 0x22) break
      }
    } else if (c === 0x5b || c === 0x7b) { // [ {
      if (++depth > maxDepth) throw new JsonBudgetError(`nested deeper than ${maxDepth} levels`)
      if (++containers > maxContainers) throw new JsonBudgetError(`more than ${maxContainers} arrays and objects`)
    } else if (c === 0x5d || c === 0x7d) { // ] }
      depth--
    }
  }
}

/** JSON.parse behind the budget. */
export function parseJsonWithin<T = unknown> (text: string, budget?: JsonBudget): T {
  checkJsonBudget(text, budget)
  return JSON.parse(text) as T
}
