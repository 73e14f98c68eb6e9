// One answer to "what do we think of this peer?", built before any service. Trust and reputation
// depend on each other's verdicts (reputation believes peers we trust; the `reputation` trust
// policy admits peers reputation likes), naming prefers trusted claimants, and the libp2p stack
// refuses quarantined peers before any protocol runs. Instead of late closures between the
// services, each reads this policy, and each verdict's owner plugs its source in once it exists.
// Until then a question gets the cautious answer: not trusted, not admitted, not quarantined.

/** What the trust service decides. */
export interface TrustVerdicts {
  /** Whether we approved this peer ourselves (or it is in `trust.autoApprove`). */
  isTrusted: (peerId: string) => boolean
}

/** What the reputation service decides. */
export interface ReputationVerdicts {
  /** Whether reputation admits this peer (for the `reputation` trust policy). */
  admits: (peerId: string) => boolean
  isQuarantined: (peerId: string) => boolean
  /** When a quarantine ends, in ms since the epoch, if the peer is quarantined. */
  quarantinedUntil: (peerId: string) => number | undefined
  /** GossipSub's application-specific score for this peer. */
  gossipScore: (peerId: string) => number
}

/** The verdicts every service reads. */
export interface PeerPolicy extends TrustVerdicts, ReputationVerdicts {}

/** The policy plus the two sockets its sources plug into (kept by the composition root only). */
export interface PeerPolicySources {
  policy: PeerPolicy
  /** Plug in the trust service. Once only: a second source would be a wiring bug. */
  provideTrust: (source: TrustVerdicts) => void
  /** Plug in the reputation service. Once only. */
  provideReputation: (source: ReputationVerdicts) => void
}

export function createPeerPolicy (): PeerPolicySources {
  let trust: TrustVerdicts | undefined
  let reputation: ReputationVerdicts | undefined
  const policy: PeerPolicy = {
    isTrusted: peerId => trust?.isTrusted(peerId) ?? false,
    admits: peerId => reputation?.admits(peerId) ?? false,
    isQuarantined: peerId => reputation?.isQuarantined(peerId) ?? false,
    quarantinedUntil: peerId => reputation?.quarantinedUntil(peerId),
    gossipScore: peerId => reputation?.gossipScore(peerId) ?? 0
  }
  return {
    policy,
    provideTrust: source => {
      if (trust != null) throw new Error('the peer policy already has a trust source')
      trust = source
    },
    provideReputation: source => {
      if (reputation != null) throw new Error('the peer policy already has a reputation source')
      reputation = source
    }
  }
}
