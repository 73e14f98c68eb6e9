// The NAT lab scenarios. Each returns one summary row; the figures (times, RTTs, success rates) go
// into `note` and `figures`. Nothing here asserts a duration: `ok` says whether the behaviour
// happened at all within generous deadlines.
import { startNode, RELAY_IP, RELAY_PORT, STUN_URL, type LabNode } from './lab.ts'

export interface ScenarioResult {
  name: string
  ok: boolean
  direct: boolean
  transport: string
  ms: number | null
  note: string
  figures?: Record<string, unknown>
}

export interface LabOptions {
  /** Dial attempts per DCUtR scenario (each a fresh relayed connection). @default 20 */
  attempts?: number
  /** Try QUIC for NAT-to-NAT. @default true */
  quic?: boolean
  /** The lab was built with `--symmetric` (both routers symmetric NATs): NAT-to-NAT stays relayed. @default false */
  symmetric?: boolean
  /** The `npm test` set: fewer attempts, no 64 MiB transfer. @default false */
  lean?: boolean
  /** Run the calls-during-the-DCUtR-swap scenario. @default true */
  swap?: boolean
}

// How long a relayed connection gets to become direct before an attempt counts as failed, in ms.
// A deadline, not a measured duration: where no direct path is expected it is short (it is waited
// out on every attempt); WebRTC gets room for a retried ICE attempt on a loaded machine.
const DIRECT_WINDOW_MS = 4_000
const DIRECT_WINDOW_MS_BY_TRANSPORT: Record<string, number> = { relay: DIRECT_WINDOW_MS, tcp: 10_000, webrtc: 25_000 }
// Reservation lifetime on the lab relay, in ms: short, so a renewal happens while the lab runs.
export const LAB_RESERVATION_TTL_MS = 45_000
const RTT_SAMPLES = 10

const relayAddr = (relay: LabNode, transport: 'tcp' | 'quic' = 'tcp'): string =>
  transport === 'tcp' ? `/ip4/${RELAY_IP}/tcp/${RELAY_PORT}/p2p/${relay.peerId}` : `/ip4/${RELAY_IP}/udp/${RELAY_PORT}/quic-v1/p2p/${relay.peerId}`

export function relayConfig (extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    listen: [`/ip4/0.0.0.0/tcp/${RELAY_PORT}`, `/ip4/0.0.0.0/udp/${RELAY_PORT}/quic-v1`],
    announce: [`/ip4/${RELAY_IP}/tcp/${RELAY_PORT}`, `/ip4/${RELAY_IP}/udp/${RELAY_PORT}/quic-v1`],
    transports: ['tcp', 'quic'],
    dht: { mode: 'server', allowPrivateAddresses: false },
    relay: { server: true, reservationTtlMs: LAB_RESERVATION_TTL_MS, ...extra }
  }
}

/** A node behind a NAT router: reserves on the relay, bootstraps through it. */
export function natConfig (relay: LabNode, transport: 'tcp' | 'quic' = 'tcp', extra: Record<string, unknown> = {}): Record<string, unknown> {
  const addr = relayAddr(relay, transport)
  return {
    listen: transport === 'tcp' ? ['/ip4/0.0.0.0/tcp/0'] : ['/ip4/0.0.0.0/udp/0/quic-v1'],
    transports: transport === 'tcp' ? ['tcp'] : ['tcp', 'quic'],
    bootstrap: [addr],
    relay: { reservations: [addr], ...extra }
  }
}

/** A NATed node that also dials and accepts WebRTC, with the lab's coturn as its only STUN server. */
export function webrtcConfig (relay: LabNode, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...natConfig(relay), nat: { webrtc: true, stun: [STUN_URL] }, ...extra }
}

/** A node with a public address of its own; AutoNAT has to find that out. */
export function publicConfig (relay: LabNode): Record<string, unknown> {
  return { listen: ['/ip4/0.0.0.0/tcp/0'], bootstrap: [relayAddr(relay)], dht: { mode: 'server', allowPrivateAddresses: false } }
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

/** A NATed node reserves a slot and advertises /p2p-circuit addresses; AutoNAT calls it private. */
export async function reservation (nat: LabNode): Promise<ScenarioResult> {
  // The reservation comes first, its /p2p-circuit address a moment later (the circuit listener
  // adds it on the reservation event): wait for both (checking right after the reservation failed
  // once nodes started side by side).
  const got = await nat.call('waitReachability', { relays: 1, circuits: 1, timeoutMs: 20_000 })
  const verdict = await nat.call('waitReachability', { verdict: 'private', relays: 1, circuits: 1, timeoutMs: 20_000 })
  const ok = got != null && verdict != null && got.value.circuitAddresses.length > 0
  return { name: 'nat-reserves-on-relay', ok, direct: false, transport: 'relay', ms: got?.ms ?? null, note: ok ? `verdict ${verdict.value.verdict}, ${got.value.circuitAddresses[0]}` : `reservation+address: ${got != null}, verdict private: ${verdict != null} (within 20 s); ${JSON.stringify(await nat.call('info'))}; log: ${nat.output().split('\n').slice(-8).join(' / ')}` }
}

/**
 * `from` reaches `to` by PeerId alone, `attempts` times, each on a fresh connection: the DHT gives
 * the /p2p-circuit address, the relay carries the first ping, then DCUtR may go direct.
 */
export async function reachAndUpgrade (name: string, from: LabNode, to: LabNode, attempts: number, transportWanted: string): Promise<ScenarioResult> {
  const firstAnswer: number[] = []
  const toDirect: number[] = []
  const relayedRtt: number[] = []
  const directRtt: number[] = []
  let answered = 0
  let direct = 0
  let transport = 'relay'
  const errors = new Set<string>()
  for (let i = 0; i < attempts; i++) {
    await from.call('hangUp', { peer: to.peerId })
    await from.call('waitClosed', { peer: to.peerId, timeoutMs: 5_000 })
    try {
      const ping = await from.call('ping', { target: to.peerId }, 30_000)
      answered++
      firstAnswer.push(ping.ms)
      // While it is still relayed, measure the relayed RTT (a few attempts are enough).
      if (relayedRtt.length < RTT_SAMPLES) {
        try { relayedRtt.push((await from.call('rtt', { peer: to.peerId, kind: 'relay', n: 1 })).medianMs) } catch {}
      }
      const up = await from.call('waitDirect', { peer: to.peerId, timeoutMs: DIRECT_WINDOW_MS_BY_TRANSPORT[transportWanted] ?? DIRECT_WINDOW_MS })
      if (up != null) {
        direct++
        transport = up.value.transport
        toDirect.push(up.ms)
        if (directRtt.length < RTT_SAMPLES) directRtt.push((await from.call('rtt', { peer: to.peerId, kind: 'direct', n: 1 })).medianMs)
      }
    } catch (err: any) {
      errors.add(err.message.slice(0, 120))
    }
  }
  const figures = {
    attempts,
    answered,
    direct,
    directRate: direct / attempts,
    firstAnswerMedianMs: median(firstAnswer),
    toDirectMedianMs: median(toDirect),
    relayedRttMedianMs: median(relayedRtt),
    directRttMedianMs: median(directRtt)
  }
  const wantDirect = transportWanted !== 'relay'
  const ok = answered === attempts && (!wantDirect || direct > 0)
  const note = `answered ${answered}/${attempts}, direct ${direct}/${attempts}; first answer ${figures.firstAnswerMedianMs} ms, ` +
    `direct after ${figures.toDirectMedianMs ?? '-'} ms, rtt relayed ${figures.relayedRttMedianMs ?? '-'} ms / direct ${figures.directRttMedianMs ?? '-'} ms` +
    (errors.size > 0 ? `; errors: ${[...errors].join(' | ')}` : '')
  return { name, ok, direct: direct > 0, transport: direct > 0 ? transport : 'relay', ms: figures.firstAnswerMedianMs, note, figures }
}

/** Still reachable through the relay after the first reservation would have expired: it was renewed. */
export async function renewal (from: LabNode, to: LabNode, reservedAt: number): Promise<ScenarioResult> {
  const wait = reservedAt + LAB_RESERVATION_TTL_MS + 5_000 - Date.now()
  if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait))
  // The claim itself: past the first reservation's expiry the NATed node still holds one.
  const held = await to.call('waitReachability', { relays: 1, timeoutMs: 2_000 })
  await from.call('hangUp', { peer: to.peerId })
  await from.call('waitClosed', { peer: to.peerId, timeoutMs: 5_000 })
  // And it is still reachable through it by PeerId (two tries: one ping may race a connection change).
  const errors: string[] = []
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const ping = await from.call('ping', { target: to.peerId }, 30_000)
      return { name: 'reservation-renewed-before-expiry', ok: held != null, direct: false, transport: 'relay', ms: ping.ms, note: `${held != null ? 'reservation held' : 'NO reservation held'} and reached ${Math.round((Date.now() - reservedAt) / 1000)} s after reserving, TTL ${LAB_RESERVATION_TTL_MS / 1000} s` }
    } catch (err: any) {
      errors.push(err.message)
    }
  }
  return { name: 'reservation-renewed-before-expiry', ok: false, direct: false, transport: 'relay', ms: null, note: `reservation held: ${held != null}; ping failed: ${errors.join(' | ')}` }
}

/** The relay restarts (same key, same address): the NATed node reserves again, and is reachable again. */
export async function relayRestart (relay: LabNode, nat: LabNode, other: LabNode): Promise<{ result: ScenarioResult, relay: LabNode }> {
  await relay.kill()
  // The relay is gone: its reservation and /p2p-circuit addresses must go too.
  const lost = await nat.call('waitReachability', { relays: 0, timeoutMs: 15_000 })
  const lostNow = lost != null && lost.value.relays.length === 0
  const again = await startNode('relay', relayConfig(), relay.dataDir)
  const back = await nat.call('waitReachability', { relays: 1, timeoutMs: 60_000 })
  let reached = false
  let note = ''
  if (back != null) {
    await other.call('hangUp', { peer: nat.peerId })
    try { await other.call('ping', { target: nat.peerId }, 30_000); reached = true } catch (err: any) { note = err.message }
  }
  const ms = back?.ms ?? null
  return {
    relay: again,
    result: { name: 'relay-restart-reservation-renewed', ok: back != null && reached, direct: false, transport: 'relay', ms, note: note !== '' ? note : `reservation dropped: ${lostNow}; re-made ${back?.ms ?? '-'} ms after the relay was up, reached again by PeerId: ${reached}` }
  }
}

/**
 * A relay with tight limits: one reservation only, a short circuit duration, a small data cap.
 * `a` gets the slot, `b` is refused; a circuit to `a` is cut by the duration and by the data limit.
 */
export async function relayLimits (a: LabNode, b: LabNode, limited: LabNode, durationMs: number, dataBytes: number): Promise<ScenarioResult> {
  const notes: string[] = []
  const got = await a.call('waitReachability', { relays: 1, timeoutMs: 20_000 })
  // b asks too; the relay is full, so b must stay without a reservation.
  const refused = (await b.call('waitReachability', { relays: 1, timeoutMs: 5_000 })) == null
  notes.push(`second reservation refused: ${refused}`)
  const circuit = `/ip4/${RELAY_IP}/tcp/${RELAY_PORT + 1}/p2p/${limited.peerId}/p2p-circuit/p2p/${a.peerId}`
  // Duration: an idle circuit is closed by the relay once its time is up.
  await b.call('dial', { addr: circuit })
  const cut = await b.call('waitClosed', { peer: a.peerId, timeoutMs: durationMs + 15_000 })
  notes.push(`circuit closed after ${cut?.ms ?? '-'} ms (limit ${durationMs} ms)`)
  // Data: pushing more than the cap ends the circuit before everything is through.
  await b.call('dial', { addr: circuit })
  const pushed = await b.call('push', { peer: a.peerId, bytes: dataBytes * 4 }, 30_000)
  const dataCut = (await b.call('waitClosed', { peer: a.peerId, timeoutMs: 10_000 })) != null
  notes.push(`data cap ${dataBytes} B: sent ${pushed.sent} B of ${dataBytes * 4} (${pushed.error ?? 'no error'}), circuit closed: ${dataCut}`)
  const ok = got != null && refused && cut != null && dataCut
  return { name: 'relay-limits-enforced', ok, direct: false, transport: 'relay', ms: cut?.ms ?? null, note: notes.join('; ') }
}

/**
 * Over the direct WebRTC connection alone (the relayed ones closed on both sides first): the trust
 * handshake both ways, the AgentCard, an A2A call through the gate, and a ping. Then checks that no
 * relayed connection came back, i.e. everything went over WebRTC.
 */
export async function callsOverWebrtc (from: LabNode, to: LabNode): Promise<ScenarioResult> {
  const steps: string[] = []
  const fail = (why: string): ScenarioResult => ({ name: 'nat-to-nat-webrtc-calls', ok: false, direct: false, transport: 'webrtc', ms: null, note: `${steps.join('; ')}; FAILED: ${why}` })
  try {
    await from.call('ping', { target: to.peerId }, 30_000)
    const up = await from.call('waitDirect', { peer: to.peerId, timeoutMs: DIRECT_WINDOW_MS_BY_TRANSPORT.webrtc })
    if (up == null || up.value.transport !== 'webrtc') return fail(`no direct WebRTC connection: ${JSON.stringify(await from.call('conns', { peer: to.peerId }))}`)
    const closed = await from.call('closeRelayed', { peer: to.peerId }) + await to.call('closeRelayed', { peer: from.peerId })
    steps.push(`direct ${up.value.transport}, ${closed} relayed connection(s) closed`)
    const start = Date.now()
    // The gate refuses a stranger's call before the handshake: prove it over this connection too.
    let refused = false
    try { await from.call('a2a', { target: to.peerId, text: 'ping' }, 30_000) } catch { refused = true }
    steps.push(`call before trust refused: ${refused}`)
    if (!refused) return fail('the gate let an untrusted call through')
    await from.call('trustRequest', { target: to.peerId }, 30_000)
    await to.call('trustApprove', { target: from.peerId }, 30_000)
    const allowed = await waitAllowed(from, to.peerId)
    steps.push(`handshake: allowed ${allowed}`)
    if (!allowed) return fail('handshake did not complete')
    steps.push(`card "${await from.call('card', { target: to.peerId }, 30_000)}"`)
    const reply = await from.call('a2a', { target: to.peerId, text: 'ping' }, 30_000)
    steps.push(`A2A answered "${reply}"`)
    const ping = await from.call('ping', { target: to.peerId }, 30_000)
    const conns: Array<{ transport: string }> = await from.call('conns', { peer: to.peerId })
    const onlyWebrtc = conns.length > 0 && conns.every(c => c.transport === 'webrtc')
    steps.push(`ping ${ping.rttMs} ms; connections now: ${conns.map(c => c.transport).join(',')}`)
    const ok = reply === 'pong' && onlyWebrtc
    return { name: 'nat-to-nat-webrtc-calls', ok, direct: true, transport: 'webrtc', ms: Date.now() - start, note: steps.join('; ') }
  } catch (err: any) {
    return fail(err.message)
  }
}

async function waitAllowed (node: LabNode, peer: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await node.call('allowed', { target: peer }) === true) return true
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  return false
}

/** The port the UPnP node listens on (and asks router a to forward). */
export const UPNP_PORT = 4100

/**
 * A node behind router a (miniupnpd) with `nat.upnp: true` and no relay: it asks the router to
 * forward its port, and the public node then dials the router's public address and reaches it
 * directly. Also reports whether AutoNAT confirmed the mapped address (so it is advertised).
 */
export async function upnpRouter (node: LabNode, pub: LabNode): Promise<ScenarioResult> {
  const external = `/ip4/11.0.0.11/tcp/${UPNP_PORT}`
  const start = Date.now()
  let mapped: any = null
  while (Date.now() - start < 30_000 && mapped == null) {
    mapped = (await node.call('ownAddresses')).find((a: any) => a.addr === external)
    if (mapped == null) await new Promise(resolve => setTimeout(resolve, 200))
  }
  if (mapped == null) return { name: 'upnp-router-maps-port', ok: false, direct: false, transport: 'tcp', ms: null, note: `no mapping to ${external} within 30 s: ${JSON.stringify(await node.call('ownAddresses'))}` }
  const mappedMs = Date.now() - start
  let conn: any
  try {
    conn = await pub.call('dial', { addr: `${external}/p2p/${node.peerId}` }, 30_000)
  } catch (err: any) {
    return { name: 'upnp-router-maps-port', ok: false, direct: false, transport: 'tcp', ms: mappedMs, note: `mapped after ${mappedMs} ms, but the public node could not dial ${external}: ${err.message}` }
  }
  const ping = await pub.call('ping', { target: node.peerId }, 30_000)
  // Advertised: the mapped address is among the addresses the node gives out (identify, DHT).
  const advertised = (await node.call('info')).addresses.some((a: string) => a.startsWith(external + '/'))
  const ok = conn.transport === 'tcp' && !conn.relayed && advertised
  return { name: 'upnp-router-maps-port', ok, direct: ok, transport: conn.transport, ms: mappedMs, note: `router mapped ${external} after ${mappedMs} ms; advertised: ${advertised}; public node dialled it: ${conn.transport}${conn.relayed ? ' (relayed!)' : ' direct'}, ping ${ping.rttMs} ms` }
}

/**
 * Calls during the relayed → direct swap: `from` (public) starts calling `to` (NATed, open trust
 * policy, example agent) by PeerId from a cold start: A2A calls, pings and card fetches back to
 * back (each kind at most every 300 ms) for 3 s, plus one trust handshake, while DCUtR replaces the
 * relayed connection with a direct TCP one. `ok` only if the caller saw no error at all. (At one
 * ping every 100 ms on a loaded machine, ping streams piled up on the new direct connection past
 * libp2p's per-protocol limit, and the connection monitor's own ping then failed and aborted the
 * connection: a stress artefact, not the swap.)
 */
export async function callsDuringSwap (from: LabNode, to: LabNode, attempts: number): Promise<ScenarioResult> {
  const totals: Record<string, { ok: number, failed: number }> = {}
  const errors = new Set<string>()
  let direct = 0
  for (let i = 0; i < attempts; i++) {
    await from.call('hangUp', { peer: to.peerId })
    await from.call('waitClosed', { peer: to.peerId, timeoutMs: 5_000 })
    const r = await from.call('storm', { target: to.peerId, durationMs: 3_000, everyMs: 300 }, 120_000)
    for (const [kind, t] of Object.entries(r.tally as Record<string, { ok: number, failed: number, errors: string[] }>)) {
      totals[kind] ??= { ok: 0, failed: 0 }
      totals[kind].ok += t.ok
      totals[kind].failed += t.failed
      for (const e of t.errors) errors.add(`${kind}: ${e}`)
    }
    if ((r.conns as Array<{ relayed: boolean, transport: string }>).some(c => !c.relayed)) direct++
  }
  const failed = Object.values(totals).reduce((n, t) => n + t.failed, 0)
  const note = `${attempts} cold starts, direct after ${direct}; ` + Object.entries(totals).map(([k, t]) => `${k} ${t.ok} ok / ${t.failed} failed`).join(', ') +
    (errors.size > 0 ? `; errors: ${[...errors].slice(0, 8).join(' | ')}` : '')
  return { name: 'calls-during-dcutr-swap', ok: failed === 0 && direct > 0, direct: direct > 0, transport: 'tcp', ms: null, note, figures: { attempts, direct, totals } }
}

/** MiB in the relayed vs direct transfer. */
export const TRANSFER_BYTES = 64 * 1024 * 1024

/**
 * 64 MiB from one NATed node to the other, once over the relayed connection and once over the
 * direct (WebRTC) one. The relay's per-circuit data cap (relay.circuitDataBytes, 16 MiB by
 * default) cuts the relayed one short: reported as what arrived, with the rate until then.
 */
export async function transferRelayedVsDirect (from: LabNode, to: LabNode): Promise<ScenarioResult> {
  await from.call('hangUp', { peer: to.peerId })
  await from.call('waitClosed', { peer: to.peerId, timeoutMs: 5_000 })
  await from.call('ping', { target: to.peerId }, 30_000)
  const relayed = await from.call('transfer', { peer: to.peerId, kind: 'relay', bytes: TRANSFER_BYTES }, 180_000).catch((err: Error) => ({ error: err.message }))
  const up = await from.call('waitDirect', { peer: to.peerId, timeoutMs: 15_000 })
  const direct = up != null ? await from.call('transfer', { peer: to.peerId, kind: 'direct', bytes: TRANSFER_BYTES }, 180_000).catch((err: Error) => ({ error: err.message })) : { error: 'no direct connection' }
  const mib = (n: number | null | undefined): string => n == null ? '-' : (n / 1048576).toFixed(1)
  // Cut short, the sink never reports: what left the sender before the cut is the upper bound.
  const line = (what: string, t: any): string => t.received != null
    ? `${what}: ${mib(t.received)} of ${mib(TRANSFER_BYTES)} MiB arrived in ${t.ms} ms (${t.mibPerS} MiB/s)`
    : `${what}: cut after ${mib(t.sent)} MiB sent in ${t.ms ?? '-'} ms (${t.sent != null && t.ms != null ? (t.sent / 1048576 / (t.ms / 1000)).toFixed(1) : '-'} MiB/s until then)${t.error != null ? `, ${t.error}` : ''}`
  const ok = direct.received === TRANSFER_BYTES
  return { name: 'transfer-64mib-relayed-vs-direct', ok, direct: ok, transport: direct.transport ?? 'webrtc', ms: direct.ms ?? null, note: `${line('relayed', relayed)}; ${line(`direct ${direct.transport ?? ''}`, direct)}`, figures: { relayed, direct } }
}
