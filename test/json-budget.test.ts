// The nesting budget checked on raw JSON text before it is parsed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkJsonBudget, parseJsonWithin, MAX_JSON_DEPTH } from '../src/node/json-budget.ts'

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth)

test('nesting up to the budget parses; one level more is refused with JSON_TOO_COMPLEX', () => {
  assert.deepEqual(parseJsonWithin('{"a":[1,{"b":2}]}'), { a: [1, { b: 2 }] })
  checkJsonBudget(nested(MAX_JSON_DEPTH))
  assert.throws(() => checkJsonBudget(nested(MAX_JSON_DEPTH + 1)), (err: any) => err.code === 'JSON_TOO_COMPLEX' && /nested deeper than 64/.test(err.message))
  assert.throws(() => checkJsonBudget('{"a":' + nested(1000) + '}'), (err: any) => err.code === 'JSON_TOO_COMPLEX')
})

test('brackets inside strings, escaped quotes included, are not nesting', () => {
  const text = JSON.stringify({ s: nested(500), t: 'a"[[[\\"[[', u: ['\\', '"]]]'] })
  checkJsonBudget(text)
  assert.deepEqual(parseJsonWithin(text), JSON.parse(text))
})

test('a flat text with too many containers is refused', () => {
  assert.throws(() => checkJsonBudget('[' + Array(10).fill('[]').join(',') + ']', { maxContainers: 5 }), (err: any) => err.code === 'JSON_TOO_COMPLEX' && /more than 5 arrays/.test(err.message))
})
