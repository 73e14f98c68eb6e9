// The A2A session: many calls over one long-lived stream per connection (docs/a2a-libp2p-binding.md,
// "Sessions"). The caller's pool and the callee's handler; each call keeps every check of a call on
// its own stream.
export { A2A_SESSION_PROTOCOL } from './constants.ts'
export { SessionPool } from './session-pool.ts'
export { A2ASession, type SessionCallHandle } from './client-session.ts'
export { sessionServer, type SessionServerInit } from './server-session.ts'
