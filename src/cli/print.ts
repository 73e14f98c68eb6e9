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
  stop: r => `daemon ${r.peerId} is stopping`,
  init: r => `created ${r.configPath}\npeerId: ${r.peerId}\nstart it with: agentwire start --config ${r.configPath}`
}

export function printHuman (command: string, result: unknown): string {
  const printer = printers[command]
  return printer != null ? printer(result) : JSON.stringify(result, null, 2)
}
