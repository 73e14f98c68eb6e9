// A real DNS server for tests: dnsmasq (Debian package dnsmasq-base) on 127.0.0.1 and a free UDP
// port, authoritative for the zones given, answering only the TXT records given. No resolver mocks:
// nodes query it with Node's own resolver, exactly as they would query a fleet's DNS.
import { spawn, type ChildProcess } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { Resolver } from 'node:dns/promises'
import { waitFor } from './testnet.ts'

export interface Dnsmasq {
  /** "127.0.0.1:PORT", for `naming.dnsServers`. */
  server: string
  start: (txt: Record<string, string[]>) => Promise<void>
  stop: () => Promise<void>
}

/** A free UDP port on 127.0.0.1 (bound then released: the server takes it just after). */
async function freeUdpPort (): Promise<number> {
  const socket = createSocket('udp4')
  await new Promise<void>(resolve => socket.bind(0, '127.0.0.1', resolve))
  const { port } = socket.address()
  await new Promise<void>(resolve => socket.close(() => resolve()))
  return port
}

/** Reserve a port now (so configs can name it), start the server later with the records. */
export async function dnsmasq (zones: string[]): Promise<Dnsmasq> {
  const port = await freeUdpPort()
  let child: ChildProcess | undefined
  let output = ''
  return {
    server: `127.0.0.1:${port}`,
    start: async (txt) => {
      const args = [
        '--keep-in-foreground', '--conf-file=/dev/null', '--no-resolv', '--no-hosts', '--no-poll', '--pid-file=',
        '--bind-interfaces', '--listen-address=127.0.0.1', `--port=${port}`, '--user=root', '--log-facility=-',
        ...zones.map(z => `--local=/${z}/`),
        ...Object.entries(txt).flatMap(([name, values]) => values.map(v => `--txt-record=${name},${v}`))
      ]
      child = spawn('dnsmasq', args, { stdio: ['ignore', 'pipe', 'pipe'] })
      child.stdout!.on('data', d => { output += d })
      child.stderr!.on('data', d => { output += d })
      child.on('error', err => { output += `\n${err.message} (is dnsmasq installed? apt-get install dnsmasq-base)` })
      const probe = new Resolver({ timeout: 500, tries: 1 })
      probe.setServers([`127.0.0.1:${port}`])
      await waitFor(`dnsmasq to answer on port ${port}`, async () => {
        if (child?.exitCode != null) throw new Error(`dnsmasq exited ${child.exitCode}: ${output}`)
        try {
          await probe.resolveTxt(`nothing-here.${zones[0]}`)
        } catch (err: any) {
          if (err.code === 'ENOTFOUND' || err.code === 'ENODATA') return true // NXDOMAIN: it answers
          throw new Error(`${err.code}: ${output}`)
        }
        return true
      }, 10_000)
    },
    stop: async () => {
      if (child == null || child.exitCode != null) return
      const exited = new Promise(resolve => child!.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
  }
}
