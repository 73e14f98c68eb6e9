// `npm run natlab`: build the lab, run every scenario, print a summary (or JSON with --json), and
// always take the lab down again. Run as root (scripts/natlab/run.sh checks).
//
//   node scripts/natlab/main.ts [--json] [--attempts N] [--no-quic] [--no-swap] [--symmetric]
import { labUp, labDown, startNode, stopAllNodes, missingTools, type LabNode } from './lab.ts'
import { reservation, reachAndUpgrade, renewal, relayRestart, relayLimits, relayConfig, natConfig, publicConfig, webrtcConfig, callsOverWebrtc, upnpRouter, callsDuringSwap, transferRelayedVsDirect, UPNP_PORT, type ScenarioResult, type LabOptions } from './scenarios.ts'
import { RELAY_PORT } from './lab.ts'

// Tight limits for the limits scenario, so it is over in seconds.
const LIMIT_DURATION_MS = 3_000
const LIMIT_DATA_BYTES = 64 * 1024

/** Wait until `from` finds `to` by PeerId in the DHT (see the agent's waitFindable); false if it never does. */
async function findable (from: LabNode, to: LabNode): Promise<boolean> {
  return await from.call('waitFindable', { target: to.peerId, timeoutMs: 30_000 }, 60_000) != null
}

/** Run every scenario in an already built lab; `onResult` sees each row as soon as it is known. */
export async function runScenarios (options: LabOptions & { onResult?: (r: ScenarioResult) => void } = {}): Promise<ScenarioResult[]> {
  const attempts = options.attempts ?? 20
  const lean = options.lean === true
  const symmetric = options.symmetric === true
  const results: ScenarioResult[] = []
  const add = (r: ScenarioResult): void => { results.push(r); options.onResult?.(r) }
  let relay: LabNode = await startNode('relay', relayConfig())
  // Started side by side: a node takes 8 s to start at load average 15, and the lab starts a dozen.
  const [natA, natB, pub] = await Promise.all([startNode('a', natConfig(relay)), startNode('b', natConfig(relay)), startNode('pub', publicConfig(relay))])

  const reserved = await reservation(natA)
  const reservedAt = Date.now()
  add(reserved)
  await natB.call('waitReachability', { relays: 1, timeoutMs: 20_000 })

  const verdict = await pub.call('waitReachability', { verdict: 'public', timeoutMs: 30_000 })
  add({ name: 'public-node-autonat-verdict', ok: verdict != null, direct: true, transport: 'tcp', ms: verdict?.ms ?? null, note: verdict != null ? 'AutoNAT confirmed the public address' : `AutoNAT gave no public verdict within 30 s; ${JSON.stringify(await pub.call('info'))} log: ${pub.output().split('\n').filter(l => /error|bootstrap|closing/.test(l)).slice(-12).join(' / ')}` })

  await findable(pub, natA)
  add(await reachAndUpgrade('public-to-nat-tcp-dcutr', pub, natA, attempts, 'tcp'))
  await findable(natB, natA)
  // Three in the lean set: back-to-back relayed connections to one NATed node are what its per-host
  // rate once refused (every relayed peer counted as the relay's IP; see src/guard/inbound-rate.ts).
  add(await reachAndUpgrade('nat-to-nat-tcp-relayed', natB, natA, lean ? 3 : attempts, 'relay'))

  if (options.swap !== false) {
    // Calls in flight while DCUtR swaps the relayed connection for a direct TCP one.
    const [target, caller] = await Promise.all([startNode('a', { ...natConfig(relay), a2a: { exampleAgent: true }, trust: { policy: 'open' } }), startNode('pub', publicConfig(relay))])
    if (await target.call('waitReachability', { relays: 1, timeoutMs: 20_000 }) != null && await findable(caller, target)) {
      add(await callsDuringSwap(caller, target, lean ? 2 : Math.min(attempts, 5)))
    } else {
      add({ name: 'calls-during-dcutr-swap', ok: false, direct: false, transport: 'tcp', ms: null, note: 'no reservation, or not findable by PeerId within 30 s' })
    }
    await Promise.all([target.stop(), caller.stop()])
  }

  // NAT-to-NAT over WebRTC: ICE punches through both routers with coturn's STUN answers.
  {
    const [wa, wb] = await Promise.all([startNode('a', webrtcConfig(relay, { a2a: { exampleAgent: true } })), startNode('b', webrtcConfig(relay))])
    const ready = await wa.call('waitReachability', { relays: 1, timeoutMs: 20_000 }) != null &&
      await wb.call('waitReachability', { relays: 1, timeoutMs: 20_000 }) != null && await findable(wb, wa)
    if (!ready) {
      add({ name: 'nat-to-nat-webrtc', ok: false, direct: false, transport: 'webrtc', ms: null, note: 'WebRTC node got no reservation, or was not findable by PeerId within 30 s' })
    } else if (symmetric) {
      // Both routers pick a new port per destination: the address STUN saw is not the one the
      // other side's checks reach, so ICE fails and the pair stays relayed (reported, ok = reached).
      add(await reachAndUpgrade('nat-to-nat-webrtc-symmetric', wb, wa, lean ? 1 : attempts, 'relay'))
    } else {
      add(await reachAndUpgrade('nat-to-nat-webrtc', wb, wa, attempts, 'webrtc'))
      add(await callsOverWebrtc(wb, wa))
      if (!lean) add(await transferRelayedVsDirect(wb, wa))
    }
    await Promise.all([wa.stop(), wb.stop()])
    // The control: the same nodes with no STUN server cannot punch, and must still reach each
    // other through the relay (the WebRTC attempt is bounded, then the relayed address is dialled).
    const [na, nb] = await Promise.all([startNode('a', webrtcConfig(relay, { nat: { webrtc: true, stun: [] } })), startNode('b', webrtcConfig(relay, { nat: { webrtc: true, stun: [] } }))])
    if (await na.call('waitReachability', { relays: 1, timeoutMs: 20_000 }) != null && await nb.call('waitReachability', { relays: 1, timeoutMs: 20_000 }) != null && await findable(nb, na)) {
      const r = await reachAndUpgrade('nat-to-nat-webrtc-no-stun', nb, na, lean ? 1 : Math.min(attempts, 3), 'relay')
      add({ ...r, ok: r.ok && r.figures?.direct === 0 })
    } else {
      add({ name: 'nat-to-nat-webrtc-no-stun', ok: false, direct: false, transport: 'relay', ms: null, note: 'no reservation, or not findable by PeerId within 30 s' })
    }
    await Promise.all([na.stop(), nb.stop()])
  }

  // UPnP: a node behind router a (miniupnpd) asks for a port forward and is dialled directly.
  {
    const un = await startNode('a', { listen: [`/ip4/0.0.0.0/tcp/${UPNP_PORT}`], bootstrap: publicConfig(relay).bootstrap, nat: { upnp: true } })
    add(await upnpRouter(un, pub))
    await un.stop()
  }

  if (options.quic !== false) {
    const [qa, qb] = await Promise.all([startNode('a', natConfig(relay, 'quic')), startNode('b', natConfig(relay, 'quic'))])
    const ready = await qa.call('waitReachability', { relays: 1, timeoutMs: 20_000 }) != null &&
      await qb.call('waitReachability', { relays: 1, timeoutMs: 20_000 }) != null && await findable(qb, qa)
    if (!ready) {
      add({ name: 'nat-to-nat-quic-dcutr', ok: false, direct: false, transport: 'quic', ms: null, note: 'QUIC node got no reservation' })
    } else {
      // ok = reached over the relay; going direct is reported, not required (see docs/nat.md).
      add(await reachAndUpgrade('nat-to-nat-quic-dcutr', qb, qa, attempts, 'relay'))
    }
    await Promise.all([qa.stop(), qb.stop()])
  }

  add(await renewal(natB, natA, reservedAt))

  const limited = await startNode('relay', {
    ...relayConfig({ maxReservations: 1, circuitDurationMs: LIMIT_DURATION_MS, circuitDataBytes: LIMIT_DATA_BYTES }),
    listen: [`/ip4/0.0.0.0/tcp/${RELAY_PORT + 1}`],
    announce: [`/ip4/11.0.0.1/tcp/${RELAY_PORT + 1}`],
    transports: ['tcp']
  })
  const limitedAddr = `/ip4/11.0.0.1/tcp/${RELAY_PORT + 1}/p2p/${limited.peerId}`
  const la = await startNode('a', { listen: ['/ip4/0.0.0.0/tcp/0'], relay: { reservations: [limitedAddr] } })
  await la.call('waitReachability', { relays: 1, timeoutMs: 20_000 })
  const lb = await startNode('b', { listen: ['/ip4/0.0.0.0/tcp/0'], relay: { reservations: [limitedAddr] } })
  add(await relayLimits(la, lb, limited, LIMIT_DURATION_MS, LIMIT_DATA_BYTES))
  await Promise.all([la.stop(), lb.stop(), limited.stop()])

  const restarted = await relayRestart(relay, natA, natB)
  relay = restarted.relay
  add(restarted.result)

  await Promise.all([natA.stop(), natB.stop(), pub.stop(), relay.stop()])
  return results
}

function printRow (r: ScenarioResult): void {
  process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(36)} ${(r.direct ? 'direct' : 'relayed').padEnd(8)} ${r.transport.padEnd(6)} ${String(r.ms ?? '-').padStart(6)} ms  ${r.note}\n`)
}

if (import.meta.main) {
  const args = process.argv.slice(2)
  const json = args.includes('--json')
  const symmetric = args.includes('--symmetric')
  const at = args.indexOf('--attempts')
  const attempts = at >= 0 ? Number(args[at + 1]) : 20
  const missing = missingTools()
  if (process.getuid?.() !== 0 || missing.length > 0) {
    process.stderr.write(`natlab needs root and ${missing.join(', ') || 'nothing else'}; run scripts/natlab/run.sh as root\n`)
    process.exit(2)
  }
  // Whatever happens, take the lab down: nodes first (they live in the namespaces), then namespaces.
  const cleanup = async (): Promise<void> => { await stopAllNodes(); labDown() }
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => { void cleanup().finally(() => process.exit(130)) })
  let code = 1
  try {
    labUp({ symmetric })
    const results = await runScenarios({ attempts, symmetric, quic: !args.includes('--no-quic'), swap: !args.includes('--no-swap'), onResult: json ? undefined : printRow })
    if (json) process.stdout.write(JSON.stringify({ scenarios: results }, null, 2) + '\n')
    code = results.every(r => r.ok) ? 0 : 1
  } catch (err: any) {
    process.stderr.write(`natlab failed: ${err.stack ?? err.message}\n`)
  } finally {
    await cleanup()
  }
  process.exit(code)
}
