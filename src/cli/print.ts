// How each command's result looks to a person. JSON output is the raw result and never passes here.
// Every string a result carries may come from a remote peer (a trust request's reason, a card, a
// task's text), so each is made inert before it reaches a terminal: control characters and
// bidirectional overrides are shown escaped, never interpreted.
import type { ControlResults } from '../control/protocol.ts'
import type { AuditEntry } from '../audit/index.ts'
import type { ReputationView, ReputationEvent } from '../reputation/index.ts'
import { a2aView, type A2APartView, type A2AView } from '../a2a/view.ts'
import type { AuditVerifyReport } from './audit.ts'
import { inboxPrinters } from './print-inbox.ts'
import { safeResult } from './safe-text.ts'

/** What each printed command returns: every control method, and the CLI's own `init` and `audit`. */
export interface PrintResults extends ControlResults {
  init: { configPath: string, peerId: string, dataDir: string }
  audit: AuditEntry[]
  'audit.verify': AuditVerifyReport
}
export type PrintedCommand = keyof PrintResults

/** A person's view of each command's result; a command without one prints its JSON, indented. */
type Printers = { [C in PrintedCommand]?: (result: PrintResults[C]) => string }

const state = (s: string | undefined): string => (s ?? 'TASK_STATE_UNSPECIFIED').replace(/^TASK_STATE_/, '').toLowerCase()
const textOf = (parts: A2APartView[] | undefined): string => (parts ?? []).map(p => p.text ?? (p.data !== undefined ? JSON.stringify(p.data) : p.url ?? '')).filter(t => t !== '').join(' ')

/** One A2A object (Task, Message, or a stream event) as a line or two for a person. */
export function describeA2A (relayed: unknown): string {
  if (relayed == null) return '(no result)'
  const r: A2AView = a2aView(relayed)
  if (r.task != null) return describeA2A(r.task)
  if (r.message != null) return describeA2A(r.message)
  if (r.statusUpdate != null) return `status: ${state(r.statusUpdate.status?.state)}${r.statusUpdate.status?.message != null ? ` (${textOf(r.statusUpdate.status.message.parts)})` : ''}`
  if (r.artifactUpdate != null) return `artifact ${r.artifactUpdate.artifact?.name ?? ''}: ${textOf(r.artifactUpdate.artifact?.parts)}`
  if (r.messageId != null) return `message from ${(r.role ?? '').replace(/^ROLE_/, '').toLowerCase()}: ${textOf(r.parts)}`
  if (r.id != null && r.status != null) {
    const artifacts = (r.artifacts ?? []).map(a => `  ${a.name ?? 'artifact'}: ${textOf(a.parts)}`)
    return [`task ${r.id}  ${state(r.status.state)}  (context ${String(r.contextId)})`, ...artifacts].join('\n')
  }
  return JSON.stringify(relayed)
}

function printReputation (v: ReputationView): string {
  const e: Partial<ReputationView['evidence']> | undefined = v.evidence
  const ev = (x: { positive?: number, negative?: number } | undefined): string => x == null ? '-' : `+${(x.positive ?? 0).toFixed(1)}/-${(x.negative ?? 0).toFixed(1)}`
  return [
    `${v.peerId}  ${v.state}  score ${v.score.toFixed(2)}`,
    `  evidence: direct ${ev(e?.direct)}, hearsay ${ev(e?.hearsay)}, vouch ${ev(e?.vouch)}; ${v.reporters} reporter(s), ${v.credibleReporters} credible (${v.condemnedBy ?? 0} condemn it, ${v.supportedBy ?? 0} speak well of it)`,
    ...(v.quarantine != null ? [`  quarantined until ${v.quarantine.until} (level ${v.quarantine.level}): ${v.quarantine.reason}`] : [])
  ].join('\n')
}

/** A reputation watch event: a verified report from the network, or (with --all) this node's own. */
function describeReputationEvent (e: ReputationEvent): string {
  const type = e.type.padEnd(9)
  switch (e.type) {
    case 'report':
    case 'published': {
      const r = e.report
      return `${type} ${r.issuer} → ${r.subject}  +${Number(r.positive).toFixed(1)}/-${Number(r.negative).toFixed(1)}  seq ${r.seq}`
    }
    case 'quarantine': return `${type} ${e.peerId}  until ${new Date(e.until).toISOString()}: ${e.reason}`
    case 'release': return `${type} ${e.peerId}  by ${e.by}`
    case 'outcome': return `${type} ${e.peerId}  ${e.outcome}`
    case 'rejected': return `${type} ${e.from}  ${e.code} ${e.reason}`
    case 'ignored': return `${type} ${e.from}  ${e.code} `
  }
}

const REPUTATION_EVENTS: ReadonlySet<unknown> = new Set<ReputationEvent['type']>(['report', 'published', 'rejected', 'ignored', 'outcome', 'quarantine', 'release'])

/** One streamed event (of `send --stream` or `reputation watch`) as a line for a person. */
export function printEvent (event: unknown): string {
  const e = safeResult(event, true)
  // Reputation events come from our own daemon; anything else is a remote agent's A2A event.
  if (e != null && typeof e === 'object' && REPUTATION_EVENTS.has((e as { type?: unknown }).type)) return describeReputationEvent(e as ReputationEvent)
  return describeA2A(e)
}

const list = (items: string[], indent = '  '): string => items.map(i => `${indent}${i}`).join('\n')

export const printers: Printers = {
  info: r => [
    `peerId:      ${r.peerId}`,
    `name:        ${r.name ?? '(none)'}`,
    `version:     ${r.version}`,
    `uptime:      ${r.uptimeSeconds}s`,
    `connections: ${r.connections}`,
    `dht mode:    ${r.dhtMode}`,
    `reachable:   ${r.reachability.verdict}${r.reachability.relays.length > 0 ? ` (relays: ${r.reachability.relays.join(', ')})` : ''}`,
    ...(r.metrics != null ? [`metrics:     ${r.metrics}`] : []),
    `data dir:    ${r.dataDir}`,
    ...(r.gateway != null ? [`gateway:     ${r.gateway}/peers/<peer>`] : []),
    'addresses:',
    list(r.addresses.length > 0 ? r.addresses : ['(none)'])
  ].join('\n'),
  peers: r => r.length === 0
    ? 'no connected peers'
    : r.map(p => `${p.peerId}  ${p.direct ? 'direct ' : 'relayed'}  ${p.transport.padEnd(5)}  ${p.latencyMs != null ? `${p.latencyMs} ms` : '-'}\n${list(p.addresses, '    ')}`).join('\n'),
  ping: r => `pong from ${r.peerId}: ${r.rttMs} ms`,
  connect: r => `connected to ${r.peerId} via ${r.address} (${r.direct ? 'direct' : 'relayed'})`,
  disconnect: r => `disconnected from ${r.peerId} (${r.closed} connection${r.closed === 1 ? '' : 's'} closed)`,
  resolve: r => [
    `${r.name} → ${r.peerId}${r.verified === 'dns' ? '  (verified: dns)' : ''}${r.newlyPinned ? '  (pinned now: other claimants of this name will not be followed)' : r.pinned ? '  (pinned)' : ''}`,
    list(r.addresses.length > 0 ? r.addresses : ['(no known addresses)']),
    ...r.otherClaimants.map(c => `  other claimant: ${c.peerId}${c.firstSeen != null ? `  first seen ${c.firstSeen}` : ''}`),
    ...r.warnings.map(w => `warning: ${w}`)
  ].join('\n'),
  'trust.request': r => `asked ${r.peerId} for trust: ${r.state}${r.state === 'pending' ? ' (waiting for its operator)' : ''}`,
  'trust.approve': r => `approved ${r.peerId}: ${r.state}${r.mutual ? ' (mutual: it may now send work)' : ''}`,
  'trust.reject': r => `rejected ${r.peerId}`,
  'trust.revoke': r => `revoked ${r.peerId}; ${r.connectionsClosed} connection${r.connectionsClosed === 1 ? '' : 's'} closed`,
  'trust.pending': r => r.length === 0 ? 'no pending requests' : r.map(e => `${e.peerId}${e.name != null ? ` (${e.name})` : ''}  since ${e.since}\n  reason: ${e.reason ?? '(none given)'}\n  approve: agentwire trust approve ${e.peerId}`).join('\n'),
  'trust.list': r => r.length === 0 ? 'no trust records' : r.map(e => `${e.peerId}  ${e.state.padEnd(15)} ${e.mutual ? 'mutual' : '      '}  since ${e.since}${e.name != null ? `  ${e.name}` : ''}`).join('\n'),
  audit: r => {
    if (r.length === 0) return 'no audit entries'
    return r.map(e => {
      const { seq, ts, event, peer, prev: _prev, ...rest } = e
      // A call's signed envelope is long; its nonce identifies it (`--json` shows all of it).
      const extra = Object.entries(rest).map(([k, v]) => k === 'envelope' ? `envelope.nonce=${String((v as { nonce?: unknown } | null)?.nonce)}` : `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')
      return `${String(seq).padStart(5)}  ${ts}  ${event.padEnd(26)} ${peer ?? ''}${extra !== '' ? `  ${extra}` : ''}`
    }).join('\n')
  },
  'audit.verify': r => [
    r.brokenLine == null
      ? `audit log ${r.witnesses != null && !r.ok ? 'NOT VOUCHED FOR' : 'OK'}: ${r.entries} entries, hash chain intact, head signed by this node${r.pastHead != null ? ` (${r.pastHead} written after the last signed head, before a crash)` : ''}`
      : `audit log BROKEN at line ${String(r.brokenLine)}: ${String(r.reason)} (${r.entries} entries before it are intact)`,
    ...(r.witnesses ?? []).map(w => `  witness ${w.peer}: ${w.ok ? (w.checked > 0 ? `agrees (${w.checked} checkpoint${w.checked === 1 ? '' : 's'}, newest at entry ${String(w.newestSeq)})` : 'holds no checkpoint yet') : `DISAGREES: ${String(w.reason)}`}`),
    ...(r.witnessReason != null ? [`  ${r.witnessReason}`] : [])
  ].join('\n'),
  // With --stream every event, the last included, was already printed as it arrived.
  send: r => `${r.streamed === true ? '' : `${describeA2A(r.result)}\n`}(answered by ${r.peerId})`,
  'tasks.list': r => {
    const page = a2aView(r.result)
    const tasks = page.tasks ?? []
    const lines = tasks.length === 0 ? ['no tasks'] : tasks.map(t => `${String(t.id)}  ${state(t.status?.state).padEnd(10)} ${t.status?.timestamp ?? ''}`)
    return [...lines, ...(page.nextPageToken != null && page.nextPageToken !== '' ? [`more: --page-token ${page.nextPageToken}`] : [])].join('\n')
  },
  'tasks.get': r => describeA2A(r.result),
  'tasks.cancel': r => describeA2A(r.result),
  card: r => {
    // The card is signature-checked, but what it says is the peer's own: each field read as it may be.
    const card = r.card as { name?: unknown, version?: unknown, description?: unknown, skills?: Array<{ id?: unknown, name?: unknown, description?: unknown }>, supportedInterfaces?: Array<{ protocolBinding?: unknown, url?: unknown }> }
    return [
      `${String(card.name)} ${String(card.version ?? '')}  (signature verified: signed by ${r.peerId})`,
      String(card.description ?? ''),
      ...(card.skills ?? []).map(s => `  skill ${String(s.id)}: ${String(s.description ?? s.name)}`),
      ...(card.supportedInterfaces ?? []).map(i => `  interface ${String(i.protocolBinding)} ${String(i.url)}`)
    ].join('\n')
  },
  health: r => [`health: ${r.status}`, ...r.checks.map(c => `  ${c.level === 'ok' ? 'ok  ' : c.level === 'degraded' ? 'WARN' : 'FAIL'}  ${c.name.padEnd(10)} ${c.detail}`)].join('\n'),
  status: r => {
    const kv = (o: Record<string, number>): string => Object.keys(o).length === 0 ? 'none' : Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ')
    return [
      `agentwire ${r.peerId}${r.name != null ? ` (${r.name})` : ''}  up ${r.uptimeSeconds}s  health: ${r.health.status}`,
      `peers       ${r.peers.total} connected: ${r.peers.direct} direct, ${r.peers.relayed} relayed`,
      `trust       ${kv(r.trust)}`,
      `reputation  ${kv(r.reputation)}`,
      `a2a in      ${r.a2a.callsIn} calls, ${r.a2a.refusedIn} refused   out: ${kv(r.a2a.outcomesOut)}`,
      `gate        ${r.gate.accepted} accepted, ${r.gate.refused} refused`,
      `guard       ${r.guard.disconnects} disconnected, ${r.guard.banned} banned; refused: ${kv(r.guard.rejections)}`,
      ...r.health.checks.filter(c => c.level !== 'ok').map(c => `warning     ${c.name}: ${c.detail}`),
      'recent refusals:',
      ...(r.recentRefusals.length === 0 ? ['  none'] : r.recentRefusals.map(x => `  ${x.ts}  ${x.event.padEnd(18)} ${x.peer ?? ''}  ${x.reason}`))
    ].join('\n')
  },
  rate: r => printReputation(r),
  reputation: r => Array.isArray(r) ? (r.length === 0 ? 'no peers with reputation yet' : r.map(v => `${v.peerId}  ${v.state.padEnd(11)} score ${v.score.toFixed(2)}  reporters ${v.reporters}`).join('\n')) : printReputation(r),
  'reputation.unquarantine': r => `quarantine lifted: ${printReputation(r)}`,
  stop: r => `daemon ${r.peerId} is stopping`,
  init: r => `created ${r.configPath}\npeerId: ${r.peerId}\nstart it with: agentwire start --config ${r.configPath}`,
  ...inboxPrinters
}

/** Commands whose result is an agent's answer, whose text may have lines of its own. */
const ANSWER_COMMANDS = new Set(['send', 'tasks.get', 'tasks.cancel', 'inbox.show'])

export function printHuman<C extends PrintedCommand> (command: C, result: PrintResults[C]): string {
  const printer = printers[command]
  const safe = safeResult(result, ANSWER_COMMANDS.has(command))
  return printer != null ? printer(safe) : JSON.stringify(safe, null, 2)
}
