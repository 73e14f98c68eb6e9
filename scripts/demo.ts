// `npm run demo`: three real agentwire daemons on 127.0.0.1 (a coordinator, a researcher and an
// analyst) driven by the real CLI, step by step: names through the DHT, the trust handshake, the
// gate refusing a stranger, tasks delegated over A2A, and a task answered through the coordinator's
// inbox by an MCP client (as an LLM agent would). Everything runs in a temporary folder and is
// stopped and removed at the end.
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { stringify } from 'yaml'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'

const CLI = fileURLToPath(new URL('../src/cli/agentwire.ts', import.meta.url))
const READY_DEADLINE_MS = 30_000
const bold = (s: string): string => process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s
const dim = (s: string): string => process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s

interface Node { name: string, config: string, peerId: string, address: string, child: ChildProcess }
const running: Node[] = []
let step = 0

function say (text: string): void {
  console.log(`\n${bold(`${++step}. ${text}`)}`)
}

async function cli (node: Node, args: string[], { quiet = false } = {}): Promise<{ code: number, out: string }> {
  if (!quiet) console.log(dim(`  [${node.name}]$ agentwire ${args.join(' ')}`))
  return await new Promise(resolve => {
    execFile(process.execPath, [CLI, ...args, '--config', node.config], { timeout: 60_000 }, (err, stdout, stderr) => {
      const out = (stdout + stderr).trimEnd()
      if (!quiet) console.log(out.split('\n').map(l => `  ${l}`).join('\n'))
      resolve({ code: err == null ? 0 : 1, out })
    })
  })
}

async function start (dir: string, name: string, extra: Record<string, unknown>): Promise<Node> {
  const config = join(dir, `${name}.yaml`)
  await writeFile(config, stringify({ name, dataDir: `./${name}`, listen: ['/ip4/127.0.0.1/tcp/0'], log: { level: 'warn', format: 'json' }, ...extra }))
  const child = spawn(process.execPath, [CLI, 'start', '--config', config], { stdio: ['ignore', 'pipe', 'inherit'] })
  const ready: any = await new Promise((resolve, reject) => {
    let buf = ''
    const timer = setTimeout(() => reject(new Error(`${name} did not start within ${READY_DEADLINE_MS} ms`)), READY_DEADLINE_MS)
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buf += d
      const line = buf.split('\n').find(l => l.includes('"event":"ready"'))
      if (line != null) { clearTimeout(timer); resolve(JSON.parse(line)) }
    })
    child.once('exit', code => { clearTimeout(timer); reject(new Error(`${name} exited with ${code}`)) })
  })
  const node = { name, config, peerId: ready.peerId, address: ready.addresses[0], child }
  running.push(node)
  console.log(`  ${name.padEnd(11)} ${node.peerId}  ${dim(node.address)}`)
  return node
}

async function main (): Promise<void> {
  const dir = await mkdtemp('/tmp/agentwire-demo-')
  try {
    say('Start three nodes. Each has a permanent PeerId from its own key; the coordinator is the others\' bootstrap peer.')
    const coordinator = await start(dir, 'coordinator', { a2a: { inbox: true } })
    const researcher = await start(dir, 'researcher', { bootstrap: [coordinator.address], a2a: { exampleAgent: true } })
    const analyst = await start(dir, 'analyst', { bootstrap: [coordinator.address], a2a: { exampleAgent: true } })

    say('The coordinator finds the researcher by name through the DHT (and pins the PeerId it gets).')
    for (let i = 0; i < 50; i++) {
      if ((await cli(coordinator, ['resolve', 'researcher'], { quiet: true })).code === 0) break
      await new Promise(resolve => setTimeout(resolve, 200)) // the researcher's name is still being published
    }
    await cli(coordinator, ['resolve', 'researcher'])

    say('Reachable is not permitted: before any trust, the researcher\'s gate refuses the coordinator\'s task.')
    await cli(coordinator, ['send', 'researcher', 'Summarise: agents need addresses that survive moves.'])

    say('The coordinator asks for trust; the researcher\'s operator sees the request and approves it.')
    await cli(coordinator, ['trust', 'request', 'researcher', '--reason', 'delegating research summaries'])
    await cli(researcher, ['trust', 'pending'])
    await cli(researcher, ['trust', 'approve', coordinator.peerId])
    await cli(coordinator, ['trust', 'list'])

    say('Now the coordinator delegates a task to the researcher over A2A (signed envelope, audited).')
    await cli(coordinator, ['send', 'researcher', 'Agents on spot instances move often. A PeerId from a key survives every move. Names resolve through a DHT.'])

    say('The same with the analyst, streaming the task\'s events as they arrive.')
    await cli(coordinator, ['trust', 'request', 'analyst', '--reason', 'analysis of research output'])
    await cli(analyst, ['trust', 'approve', coordinator.peerId])
    await cli(coordinator, ['send', 'analyst', 'Compare relay and direct paths. Direct is faster.', '--stream'])

    say('The analyst was never approved by the researcher, so its call is refused and audited.')
    await cli(analyst, ['send', 'researcher', 'let me in'])

    say('The coordinator has no agent process, but an inbox (a2a: { inbox: true }). The analyst asks it something; the task waits there.')
    const asking = cli(analyst, ['send', 'coordinator', 'Should the report cover NAT-to-NAT over QUIC?'], { quiet: true })
    console.log(dim('  [analyst]$ agentwire send coordinator "Should the report cover NAT-to-NAT over QUIC?"   (waits for the answer)'))

    say('The coordinator\'s LLM reads its inbox through `agentwire mcp` (here the official MCP SDK client plays the LLM) and answers.')
    const mcp = new Client({ name: 'demo-llm', version: '1.0.0' })
    await mcp.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, 'mcp', '--config', coordinator.config], stderr: 'ignore' }))
    try {
      const listed: any = await mcp.callTool({ name: 'inbox_list', arguments: { waitSeconds: 10 } })
      console.log(dim('  [coordinator LLM] inbox_list {}'))
      console.log(listed.content[0].text.split('\n').map((l: string) => `  ${l}`).join('\n'))
      const taskId = listed.structuredContent.tasks[0]?.taskId
      const replied: any = await mcp.callTool({ name: 'inbox_reply', arguments: { taskId, text: 'Yes: one paragraph, and say plainly that it is not direct in the lab.' } })
      console.log(dim(`  [coordinator LLM] inbox_reply {"taskId": "${taskId}", "text": "Yes: one paragraph, …"}`))
      console.log(`  ${replied.content[0].text}`)
    } finally {
      await mcp.close()
    }
    console.log(dim('  [analyst] … the send returns with the coordinator\'s answer:'))
    console.log((await asking).out.split('\n').map(l => `  ${l}`).join('\n'))

    say('The researcher\'s audit log: every decision and call, hash-chained; --verify checks the chain.')
    await cli(researcher, ['audit', '--limit', '6'])
    await cli(researcher, ['audit', '--verify'])

    say('Stop everything.')
  } finally {
    await Promise.all(running.map(async n => {
      n.child.kill('SIGTERM')
      await new Promise(resolve => n.child.once('exit', resolve))
    }))
    await rm(dir, { recursive: true, force: true })
  }
  console.log('\ndone.')
}

main().catch(err => { console.error(err); process.exit(1) })
