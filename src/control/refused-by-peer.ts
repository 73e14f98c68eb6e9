// When a peer refuses this node as NOT_TRUSTED, its hint says "ask for trust first". If that peer's
// operator already rejected (or revoked) us, asking again reaches nobody: our own trust record knows,
// so the error we pass on says so, and the request itself fails instead of "succeeding" as refused.
import type { AgentNode } from '../agent-node.ts'
import { AgentwireError } from '../errors.ts'
import type { TrustEntry } from '../trust/index.ts'

/** The error for a peer that has rejected or revoked this node: what happened, and the only way on. */
export function refusedByPeer (node: AgentNode, peerId: string): AgentwireError {
  return new AgentwireError('TRUST_REFUSED', `${peerId} has rejected (or revoked) this node's trust; asking again does not reach its operator`,
    `only its operator can change that, by running \`agentwire trust approve ${node.peerId.toString()}\`; \`agentwire trust list\` shows every peer's answer`)
}

/** A NOT_TRUSTED refusal from a peer that already refused us, retold; any other error unchanged. */
export async function explainRefusal (node: AgentNode, target: string, err: unknown): Promise<unknown> {
  if (!(err instanceof AgentwireError) || err.code !== 'NOT_TRUSTED') return err
  try {
    const peerId = (await node.resolveTarget(target)).peerId.toString()
    // Same code (callers switch on NOT_TRUSTED), the true reason and the one way on.
    if (stateOf(node, peerId) === 'refused-by-peer') return new AgentwireError('NOT_TRUSTED', `${err.message}: its operator has rejected (or revoked) this node, so asking again does not reach them`, refusedByPeer(node, peerId).hint)
  } catch {}
  return err
}

function stateOf (node: AgentNode, peerId: string): TrustEntry['state'] | undefined {
  return node.trust.list().find(e => e.peerId === peerId)?.state
}
