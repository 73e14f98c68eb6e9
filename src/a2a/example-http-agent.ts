// The example agent as a plain A2A HTTP server (the SDK's Express adapter), the shape of any
// unmodified A2A agent that a node can front with `a2a.upstream`. Used by the quickstart and tests.
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { AgentCard } from '@a2a-js/sdk'
import { DefaultRequestHandler, InMemoryTaskStore } from '@a2a-js/sdk/server'
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express'
import { ExampleAgentExecutor, exampleAgentCard } from './example-agent.ts'

export interface HttpAgent { url: string, close: () => Promise<void> }

export async function startExampleHttpAgent (options: { host?: string, port?: number, name?: string } = {}): Promise<HttpAgent> {
  const host = options.host ?? '127.0.0.1'
  const app = express()
  const server: Server = await new Promise(resolve => { const s = app.listen(options.port ?? 0, host, () => resolve(s)) })
  const url = `http://${host}:${(server.address() as AddressInfo).port}`
  const card = AgentCard.fromJSON({ ...exampleAgentCard(options.name), supportedInterfaces: [{ url: `${url}/a2a/jsonrpc`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }] })
  const requestHandler = new DefaultRequestHandler(card, new InMemoryTaskStore(), new ExampleAgentExecutor())
  app.use('/.well-known/agent-card.json', agentCardHandler({ agentCardProvider: requestHandler }))
  app.use('/a2a/jsonrpc', jsonRpcHandler({ requestHandler, userBuilder: UserBuilder.noAuthentication }))
  return {
    url,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
