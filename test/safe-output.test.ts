// Streamed A2A events and inbox events are printed as they arrive, outside printHuman: they must be
// made inert too (a remote agent's text could otherwise move the cursor or fake a line).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { printEvent } from '../src/cli/print.ts'
import { describeInboxEvent } from '../src/cli/print-inbox.ts'

const EVIL = 'done\x1b[2K\r\u202eforged line'

test('a streamed A2A event with control characters prints escaped', () => {
  const line = printEvent({ artifactUpdate: { artifact: { name: 'x', parts: [{ text: EVIL }] } } })
  assert.ok(!/[\x1b\r\u202e]/.test(line), JSON.stringify(line))
  assert.match(line, /\\x1b\[2K\\x0d\\u202eforged line/)
})

test('an inbox --watch event with control characters prints escaped', () => {
  const line = describeInboxEvent({ type: 'new', item: { taskId: 't1', state: 'submitted', from: '12D3KooWx', messages: [{ role: 'caller', text: EVIL }] } })
  assert.ok(!/[\x1b\r\u202e]/.test(line), JSON.stringify(line))
})
