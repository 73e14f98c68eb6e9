// Trust on first use for names, like SSH known_hosts: the first PeerId a node resolves for a name
// is remembered, and other claimants are never followed silently.
import { Key, type Datastore } from 'interface-datastore'
import { fromString, toString } from 'uint8arrays'
import { z } from 'zod'
import { PIN_PREFIX } from './constants.ts'
import { isNotFound } from './claim-store.ts'

/** A pin as stored (this node wrote it; checked on the way back in all the same). */
const pinSchema = z.object({
  name: z.string(),
  peerId: z.string(),
  pinnedAt: z.number(),
  via: z.enum(['first-use', 'pick', 'dns', 'trusted']).optional()
})

export interface NamePin {
  name: string
  peerId: string
  pinnedAt: number
  /** How the pin was made: the only claimant, an operator's --pick, or a domain's DNS proof. */
  via?: 'first-use' | 'pick' | 'dns' | 'trusted'
}

export class NamePins {
  private readonly datastore: Datastore

  constructor (datastore: Datastore) {
    this.datastore = datastore
  }

  async get (name: string): Promise<NamePin | undefined> {
    let stored: Uint8Array
    try {
      stored = await this.datastore.get(new Key(PIN_PREFIX + name))
    } catch (err) {
      if (isNotFound(err)) return undefined
      throw err
    }
    return pinSchema.parse(JSON.parse(toString(stored)))
  }

  async set (name: string, peerId: string, via: NamePin['via'] = 'first-use'): Promise<NamePin> {
    const pin: NamePin = { name, peerId, pinnedAt: Date.now(), via }
    await this.datastore.put(new Key(PIN_PREFIX + name), fromString(JSON.stringify(pin)))
    return pin
  }

  /** Every pin (bounded by the names this node's operator has resolved). */
  async list (): Promise<NamePin[]> {
    const pins: NamePin[] = []
    for await (const { value } of this.datastore.query({ prefix: PIN_PREFIX.slice(0, -1) })) {
      try { pins.push(pinSchema.parse(JSON.parse(toString(value)))) } catch {}
    }
    return pins
  }
}
