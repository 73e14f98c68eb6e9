// What the CLI's printers and the MCP tools read of an A2A object (v1.0 protojson: a Task, a Message,
// a stream event, a ListTasks page) that a remote agent sent. It is the agent's content, relayed as
// it came: every field is optional and each reader checks what it uses, so a missing or odd field
// prints as empty, never throws.

export interface A2APartView { text?: string, data?: unknown, url?: string }
export interface A2AMessageView { messageId?: string, role?: string, parts?: A2APartView[], contextId?: string, taskId?: string }
export interface A2AStatusView { state?: string, message?: A2AMessageView, timestamp?: string }
export interface A2AArtifactView { name?: string, parts?: A2APartView[] }
export interface A2ATaskView { id?: string, contextId?: string, status?: A2AStatusView, artifacts?: A2AArtifactView[] }

/** Any one A2A result or stream event: a wrapper (`{task}`, `{message}`, `{statusUpdate}`…) or the object itself. */
export interface A2AView extends A2ATaskView, A2AMessageView {
  task?: A2ATaskView
  message?: A2AMessageView
  statusUpdate?: { status?: A2AStatusView }
  artifactUpdate?: { artifact?: A2AArtifactView }
  /** A ListTasks page. */
  tasks?: A2ATaskView[]
  nextPageToken?: string
}

/**
 * Read a relayed A2A value through the view. The one deliberate cast: the value is remote JSON, and the
 * view's fields are all optional, so a reader only ever sees `undefined` where the agent sent nothing.
 */
export function a2aView (value: unknown): A2AView {
  return value != null && typeof value === 'object' && !Array.isArray(value) ? value : {}
}
