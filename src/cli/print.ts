// How each command's result looks to a person. JSON output is the raw result and never passes here.

type Printer = (result: any) => string

const list = (items: string[], indent = '  '): string => items.map(i => `${indent}${i}`).join('\n')

export const printers: Record<string, Printer> = {
  info: r => [
    `peerId:      ${r.peerId}`,
    `name:        ${r.name ?? '(none)'}`,
    `version:     ${r.version}`,
    `uptime:      ${r.uptimeSeconds}s`,
    `connections: ${r.connections}`,
    `dht mode:    ${r.dhtMode}`,
    `data dir:    ${r.dataDir}`,
    'addresses:',
    list(r.addresses.length > 0 ? r.addresses : ['(none)'])
  ].join('\n'),
  peers: (r: any[]) => r.length === 0
    ? 'no connected peers'
    : r.map(p => `${p.peerId}  ${p.direct ? 'direct ' : 'relayed'}  ${p.transport.padEnd(5)}  ${p.latencyMs != null ? `${p.latencyMs} ms` : '-'}\n${list(p.addresses, '    ')}`).join('\n'),
  ping: r => `pong from ${r.peerId}: ${r.rttMs} ms`,
  connect: r => `connected to ${r.peerId} via ${r.address} (${r.direct ? 'direct' : 'relayed'})`,
  disconnect: r => `disconnected from ${r.peerId} (${r.closed} connection${r.closed === 1 ? '' : 's'} closed)`,
  resolve: r => `${r.name} → ${r.peerId}${r.newlyPinned ? '  (pinned now: a different PeerId for this name will be refused)' : r.pinned ? '  (pinned)' : ''}\n${list(r.addresses.length > 0 ? r.addresses : ['(no known addresses)'])}`,
  'trust.request': r => `asked ${r.peerId} for trust: ${r.state}${r.state === 'pending' ? ' (waiting for its operator)' : ''}`,
  'trust.approve': r => `approved ${r.peerId}: ${r.state}${r.mutual ? ' (mutual: it may now send work)' : ''}`,
  'trust.reject': r => `rejected ${r.peerId}`,
  'trust.revoke': r => `revoked ${r.peerId}; ${r.connectionsClosed} connection${r.connectionsClosed === 1 ? '' : 's'} closed`,
  'trust.pending': (r: any[]) => r.length === 0 ? 'no pending requests' : r.map(e => `${e.peerId}${e.name != null ? ` (${e.name})` : ''}  since ${e.since}\n  reason: ${e.reason ?? '(none given)'}\n  approve: agentwire trust approve ${e.peerId}`).join('\n'),
  'trust.list': (r: any[]) => r.length === 0 ? 'no trust records' : r.map(e => `${e.peerId}  ${e.state.padEnd(15)} ${e.mutual ? 'mutual' : '      '}  since ${e.since}${e.name != null ? `  ${e.name}` : ''}`).join('\n'),
  audit: (r: any[]) => r.length === 0 ? 'no audit entries' : r.map(e => {
    const { seq, ts, event, peer, prev: _prev, ...rest } = e
    const extra = Object.entries(rest).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ')
    return `${String(seq).padStart(5)}  ${ts}  ${event.padEnd(26)} ${peer ?? ''}${extra !== '' ? `  ${extra}` : ''}`
  }).join('\n'),
  'audit.verify': r => r.ok ? `audit log OK: ${r.entries} entries, hash chain intact` : `audit log BROKEN at line ${r.brokenLine}: ${r.reason} (${r.entries} entries before it are intact)`,
  stop: r => `daemon ${r.peerId} is stopping`,
  init: r => `created ${r.configPath}\npeerId: ${r.peerId}\nstart it with: agentwire start --config ${r.configPath}`
}

export function printHuman (command: string, result: unknown): string {
  const printer = printers[command]
  return printer != null ? printer(result) : JSON.stringify(result, null, 2)
}
