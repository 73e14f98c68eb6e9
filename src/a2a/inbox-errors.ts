// Errors of the inbox, for its local consumer (CLI, MCP). The A2A backend maps them to A2A errors
// for the remote caller (inbox-backend.ts).
import { AgentwireError } from '../errors.ts'

export class InboxTaskNotFoundError extends AgentwireError {
  static override name = 'InboxTaskNotFoundError'
  constructor (taskId: string) {
    super('INBOX_TASK_NOT_FOUND', `no task ${taskId} in the inbox`, 'list the tasks with `agentwire inbox list --all`')
    this.name = 'InboxTaskNotFoundError'
  }
}

export class InboxTaskClosedError extends AgentwireError {
  static override name = 'InboxTaskClosedError'
  constructor (taskId: string, state: string) {
    super('INBOX_TASK_CLOSED', `task ${taskId} is ${state}; it takes no more answers or messages`, 'only submitted or working tasks can be answered: see `agentwire inbox list`')
    this.name = 'InboxTaskClosedError'
  }
}

export class EmptyReplyError extends AgentwireError {
  static override name = 'EmptyReplyError'
  constructor () {
    super('INBOX_EMPTY_REPLY', 'a reply needs text or data', 'agentwire inbox reply <taskId> "the answer" (or --data \'{"k":1}\')')
    this.name = 'EmptyReplyError'
  }
}

export class InboxOffError extends AgentwireError {
  static override name = 'InboxOffError'
  constructor () {
    super('INBOX_OFF', 'this node has no inbox: inbound tasks go to an agent, or are refused', 'set `a2a: { inbox: true }` in the node\'s config and restart it')
    this.name = 'InboxOffError'
  }
}
