// One simulation run: a population of agents, some malicious under one attack, making requests to
// randomly offered candidates and choosing among them with one model. Returns the row of figures.
import type { Outcome } from '../../src/reputation/evidence.ts'
import type { ReputationConfig } from '../../src/config/reputation-schema.ts'
import { Rng, seedOf } from '../lib/rng.ts'
import { AgentwireChooser, EigenTrustChooser, RandomChooser, type Chooser, type ModelName } from './models.ts'

export const ATTACKS = ['liars', 'collusion', 'camouflage', 'spies', 'sybil-whitewash', 'badmouthing', 'ballot-stuffing', 'oscillation', 'compromised', 'copycat', 'report-flood'] as const
export type Attack = typeof ATTACKS[number]

export interface RunSpec {
  model: ModelName
  attack: Attack
  agents: number
  /** Fraction of agents that are malicious (0-1). */
  malicious: number
  rounds: number
  seed: number
  config: ReputationConfig
}

export interface Row {
  model: ModelName
  attack: Attack
  agents: number
  malicious: number
  /** Fraction of honest agents' requests served by an agent acting maliciously. */
  servedByMalicious: number
  /**
   * Fraction of honest agents' requests answered badly by an agent acting maliciously: what the
   * attack cost them. servedByMalicious also counts the good answers an oscillating or camouflaged
   * peer gives between its bad ones.
   */
  badByMalicious: number
  /** Fraction of honest agents' requests that got a good result. */
  honestSuccess: number
  /** Fraction of (honest observer, honest subject) pairs where the observer ever quarantined the subject. */
  falseQuarantine: number
  /** Median rounds from a bad actor's first bad round until 90% of a panel of honest observers quarantined it; null if most never were. */
  roundsToQuarantine: number | null
  /** Why honest subjects were quarantined (quarantine reason → pairs), to see which rule misfired. */
  falseQuarantineReasons?: Record<string, number>
}

/** Candidates offered per request (the agents able to serve it). */
export const CANDIDATES = 5
/** Chance an honest provider fails a request (network, overload). */
export const HONEST_FAILURE = 0.05
/** Opinions a malicious agent publishes per round. */
const CLAIMS_PER_ROUND = 5
/** Oscillation: rounds of good service, then rounds of bad. */
const OSC_GOOD = 8
const OSC_BAD = 4
/** Sybils take a fresh identity this often, in rounds. */
const WHITEWASH_EVERY = 10
/** Copycats: reports echoed per round from one honest agent's public reports, and from which fraction of the run they also lie. */
const ECHOES_PER_ROUND = 10
const COPYCAT_LIES_FROM = 0.25
/** Report flood: throwaway identities each malicious agent signs reports with, per round (each used once). */
const FLOOD_IDS_PER_ROUND = 2
/** Observers that judge every fresh report, for roundsToQuarantine. */
const PANEL = 20
const HOUR = 60 * 60 * 1000
const T0 = Date.UTC(2026, 0, 1)

type Kind = 'honest' | 'bad' | 'spy'
interface Agent { id: string, kind: Kind, /** round from which it acts maliciously */ from: number }

export function runOne (spec: RunSpec): Row {
  const setup = new Rng(seedOf('setup', spec.seed, spec.agents, spec.attack, spec.malicious))
  const rng = new Rng(seedOf('run', spec.seed, spec.agents, spec.attack, spec.malicious, spec.model))
  const n = spec.agents
  const badCount = Math.round(spec.malicious * n)
  const order = Array.from({ length: n }, (_, i) => i)
  for (let i = n - 1; i > 0; i--) { const j = setup.int(i + 1); [order[i], order[j]] = [order[j], order[i]] }
  const maliciousIdx = new Set(order.slice(0, badCount))
  const spyCount = spec.attack === 'spies' ? Math.max(1, Math.round(badCount * 0.25)) : 0
  const switchRound = spec.attack === 'compromised' ? Math.floor(spec.rounds / 2) : 0
  let nextId = 0
  const agents = new Map<string, Agent>()
  const population: string[] = []
  for (let i = 0; i < n; i++) {
    const id = 'p' + (nextId++)
    const mal = maliciousIdx.has(i)
    const kind: Kind = !mal ? 'honest' : order.indexOf(i) < spyCount ? 'spy' : 'bad'
    const from = kind !== 'bad' ? Infinity : spec.attack === 'compromised' ? switchRound : 0
    agents.set(id, { id, kind, from })
    population.push(id)
  }
  const alwaysHonest = population.filter(id => agents.get(id)!.kind === 'honest' && !(spec.attack === 'compromised' && maliciousIdx.has(Number(id.slice(1)))))
  const honestCount = alwaysHonest.length
  const panel = new Set(alwaysHonest.slice(0, PANEL))
  const panelNeeded = Math.ceil(0.9 * Math.min(PANEL, honestCount))

  const actsBad = (a: Agent, round: number): boolean => a.kind === 'bad' && round >= a.from
  const honestNow = (a: Agent, round: number): boolean => a.kind === 'honest' || (a.kind === 'bad' && round < a.from && spec.attack === 'compromised')

  let round = 0
  const falsePairs = new Set<string>()
  const panelQuarantines = new Map<string, Set<string>>()
  const firstBad = new Map<string, number>()
  const quarantinedAt = new Map<string, number>()
  const falseReasons: Record<string, number> = {}
  const onQuarantine = (observer: string, subject: string, _now: number, reason: string): void => {
    const s = agents.get(subject)
    const o = agents.get(observer)
    if (s == null || o == null) return
    if (honestNow(s, round) && honestNow(o, round) && !falsePairs.has(observer + '|' + subject)) {
      falsePairs.add(observer + '|' + subject)
      const rule = reason.replace(/\d+/g, 'N')
      falseReasons[rule] = (falseReasons[rule] ?? 0) + 1
    }
    if (panel.has(observer) && actsBad(s, round)) {
      let set = panelQuarantines.get(subject)
      if (set == null) panelQuarantines.set(subject, set = new Set())
      set.add(observer)
      if (set.size >= panelNeeded && !quarantinedAt.has(subject)) quarantinedAt.set(subject, round)
    }
  }

  const pretrusted = alwaysHonest.slice(0, Math.max(3, Math.round(0.05 * n)))
  const chooser: Chooser = spec.model === 'agentwire'
    ? new AgentwireChooser(spec.config, rng, [...panel], onQuarantine, pretrusted)
    : spec.model === 'eigentrust' ? new EigenTrustChooser(pretrusted, rng) : new RandomChooser(rng)

  // Cumulative opinions malicious agents publish (replacing their previous report each time).
  const claims = new Map<string, { positive: number, negative: number }>()
  const claim = (issuer: string, subject: string, dp: number, dn: number, now: number, absolute = false): void => {
    if (issuer === subject) return
    const key = issuer + '|' + subject
    const c = claims.get(key) ?? { positive: 0, negative: 0 }
    if (absolute) { c.positive = dp; c.negative = dn } else { c.positive += dp; c.negative += dn }
    claims.set(key, c)
    chooser.claim(issuer, subject, c.positive, c.negative, now)
  }

  let throwaway = 0
  let requests = 0
  let servedBad = 0
  let badAnswers = 0
  let good = 0
  for (round = 0; round < spec.rounds; round++) {
    const now = T0 + round * HOUR
    const honestIds = population.filter(id => honestNow(agents.get(id)!, round))
    const badIds = population.filter(id => actsBad(agents.get(id)!, round))
    const groupIds = population.filter(id => agents.get(id)!.kind !== 'honest')
    for (const id of badIds) if (!firstBad.has(id)) firstBad.set(id, round)

    // Requests: honest agents (and spies, who keep their cover) ask one of 5 offered candidates.
    for (const id of population) {
      const a = agents.get(id)!
      const counts = honestNow(a, round)
      if (!counts && a.kind !== 'spy') continue
      const candidates = rng.sample(population, CANDIDATES, id)
      const chosen = chooser.choose(id, candidates, now)
      if (counts) requests++
      if (chosen == null) continue
      const p = agents.get(chosen)!
      let outcome: Outcome
      if (!actsBad(p, round)) outcome = rng.next() < HONEST_FAILURE ? 'failed' : 'ok'
      else if (spec.attack === 'camouflage') outcome = rng.next() < 0.5 ? 'ok' : 'invalid'
      else if (spec.attack === 'oscillation') outcome = (round % (OSC_GOOD + OSC_BAD)) < OSC_GOOD ? 'ok' : 'invalid'
      else outcome = 'invalid'
      if (counts) {
        if (actsBad(p, round)) {
          servedBad++
          if (outcome !== 'ok') badAnswers++
        }
        if (outcome === 'ok') good++
      }
      chooser.outcome(id, chosen, outcome, now)
    }

    // What the malicious publish.
    const honestTargets = honestIds.length > 0 ? honestIds : population
    for (const id of population) {
      const a = agents.get(id)!
      if (a.kind === 'honest' && !actsBad(a, round)) continue
      if (a.kind === 'bad' && !actsBad(a, round) && spec.attack === 'compromised') continue
      switch (spec.attack) {
        case 'liars':
        case 'compromised':
          for (const s of rng.sample(population, CLAIMS_PER_ROUND, id)) {
            if (actsBad(agents.get(s)!, round)) claim(id, s, 1, 0, now); else claim(id, s, 0, 2, now)
          }
          break
        case 'collusion':
          for (const s of rng.sample(groupIds, CLAIMS_PER_ROUND, id)) claim(id, s, 2, 0, now)
          for (const s of rng.sample(honestTargets, CLAIMS_PER_ROUND, id)) claim(id, s, 0, 2, now)
          break
        case 'badmouthing':
          for (const s of rng.sample(honestTargets, CLAIMS_PER_ROUND, id)) claim(id, s, 0, 2, now)
          break
        case 'ballot-stuffing':
          for (const s of rng.sample(groupIds, 4 * CLAIMS_PER_ROUND, id)) claim(id, s, 1000 * (round + 1), 0, now, true)
          break
        case 'spies':
          if (a.kind === 'spy') for (const s of rng.sample(badIds.length > 0 ? badIds : groupIds, CLAIMS_PER_ROUND, id)) claim(id, s, 2, 0, now)
          else for (const s of rng.sample(groupIds, CLAIMS_PER_ROUND, id)) claim(id, s, 2, 0, now)
          break
        case 'copycat':
          // Echo an honest agent's public reports to look like a witness that agrees with everyone,
          // then, from a quarter of the run on, also badmouth the honest and praise the group.
          if (honestIds.length > 0) chooser.echo(id, rng.pick(honestIds), ECHOES_PER_ROUND, now)
          if (round >= Math.floor(spec.rounds * COPYCAT_LIES_FROM)) {
            for (const s of rng.sample(honestTargets, CLAIMS_PER_ROUND, id)) claim(id, s, 0, 2, now)
            for (const s of rng.sample(groupIds, CLAIMS_PER_ROUND, id)) claim(id, s, 2, 0, now)
          }
          break
        case 'report-flood':
          // Fresh identities every round, each used for one lie about an honest agent and one
          // praise of a group member: many issuers, no history, nothing to lose.
          for (let k = 0; k < FLOOD_IDS_PER_ROUND; k++) {
            const sybil = 'x' + (throwaway++)
            chooser.claim(sybil, rng.pick(honestTargets), 0, 4, now)
            chooser.claim(sybil, rng.pick(groupIds), 10, 0, now)
          }
          break
        case 'camouflage':
        case 'oscillation':
        case 'sybil-whitewash':
          for (const s of rng.sample(groupIds, CLAIMS_PER_ROUND, id)) claim(id, s, 1, 0, now)
          break
      }
    }
    // Every agent acting honestly republishes what it knows (a node does so every hour, one round).
    chooser.republish(population.filter(id => honestNow(agents.get(id)!, round) || agents.get(id)!.kind === 'spy'), now)
    chooser.endRound(now)

    // Sybils shed their identities and come back as newcomers.
    if (spec.attack === 'sybil-whitewash' && round > 0 && round % WHITEWASH_EVERY === 0) {
      for (let i = 0; i < population.length; i++) {
        const old = agents.get(population[i])!
        if (old.kind !== 'bad') continue
        const id = 'p' + (nextId++)
        agents.set(id, { id, kind: 'bad', from: round + 1 })
        chooser.retire(old.id)
        population[i] = id
      }
    }
  }

  const delays: number[] = []
  for (const [id, start] of firstBad) {
    const at = quarantinedAt.get(id)
    delays.push(at == null ? Infinity : at - start)
  }
  delays.sort((a, b) => a - b)
  const median = delays.length === 0 ? Infinity : delays[Math.floor((delays.length - 1) / 2)]
  const round4 = (x: number): number => Math.round(x * 10000) / 10000
  return {
    model: spec.model,
    attack: spec.attack,
    agents: n,
    malicious: spec.malicious,
    servedByMalicious: round4(requests === 0 ? 0 : servedBad / requests),
    badByMalicious: round4(requests === 0 ? 0 : badAnswers / requests),
    honestSuccess: round4(requests === 0 ? 0 : good / requests),
    falseQuarantine: round4(honestCount < 2 ? 0 : falsePairs.size / (honestCount * (honestCount - 1))),
    roundsToQuarantine: spec.model === 'agentwire' && Number.isFinite(median) ? median : null,
    ...(Object.keys(falseReasons).length > 0 ? { falseQuarantineReasons: falseReasons } : {})
  }
}
