// How the inbox looks to a person. Everything in an item but its ids came from another agent.
import type { InboxItem } from '../a2a/inbox.ts'
import type { ControlEvents, ControlResults } from '../control/protocol.ts'
import { safeResult } from './safe-text.ts'

/** An inbox item as the daemon sends it (with the sender's standing), or as an older daemon did (without). */
type Item = InboxItem & { standing?: ControlResults['inbox.show']['standing'] }

const clip = (s: string, n: number): string => s.length > n ? `${s.slice(0, n - 1)}…` : s
const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim()

function sender (i: Item): string {
  const s = i.standing
  if (s == null) return i.from
  return `${i.from}${s.name != null ? ` (${s.name})` : ''}  trust ${s.trust}, reputation ${s.reputation.state} ${Number(s.reputation.score).toFixed(2)}`
}

function lastRequest (i: Pick<Item, 'messages'>): string {
  const m = [...i.messages].reverse().find(x => x.role === 'caller')
  if (m == null) return ''
  return oneLine(`${m.text}${m.data != null ? ` ${JSON.stringify(m.data)}` : ''}`)
}

function listLine (i: Item): string {
  return `${i.taskId}  ${i.state.padEnd(14)} ${i.receivedAt}\n  from ${sender(i)}\n  ${clip(lastRequest(i), 160)}`
}

function full (i: Item): string {
  return [
    `task ${i.taskId}  ${i.state}  (context ${i.contextId})`,
    `from ${sender(i)}`,
    `received ${i.receivedAt}, updated ${i.updatedAt}`,
    ...i.messages.map(m => `--- ${m.role === 'caller' ? 'from the caller' : 'from you'}:\n${m.text}${m.data != null ? `\n${JSON.stringify(m.data, null, 2)}` : ''}`),
    ...(i.answer != null ? [`--- your answer:\n${i.answer.text}${i.answer.data != null ? `\n${JSON.stringify(i.answer.data, null, 2)}` : ''}`] : []),
    ...(['submitted', 'working'].includes(i.state) ? [`answer: agentwire inbox reply ${i.taskId} "…"   (or: agentwire inbox fail ${i.taskId} "why")`] : [])
  ].join('\n')
}

/** An `inbox --watch` event (ControlEvents['inbox.watch']), read for the fields a line shows. */
export function describeInboxEvent (event: { type: ControlEvents['inbox.watch']['type'], item: Pick<Item, 'taskId' | 'state' | 'from' | 'messages'> }): string {
  const e = safeResult(event) // the request text came from another agent: inert before it is printed
  const what = e.type === 'new' ? 'new task' : e.type === 'message' ? 'caller wrote' : 'now'
  return `${what.padEnd(12)} ${e.item.taskId}  ${e.item.state.padEnd(14)} from ${e.item.from}${e.type !== 'status' ? `: ${clip(lastRequest(e.item), 120)}` : ''}`
}

export const inboxPrinters: { [C in 'inbox.list' | 'inbox.show' | 'inbox.reply']: (result: ControlResults[C]) => string } = {
  'inbox.list': r => r.length === 0 ? 'inbox empty: no tasks waiting for an answer' : r.map(listLine).join('\n'),
  'inbox.show': full,
  'inbox.reply': r => `answered ${r.taskId}: ${r.state} (its caller sees this with \`agentwire tasks get\`)`
}
