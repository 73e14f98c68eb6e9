// Trust on first use for names, like SSH known_hosts: the first PeerId a node resolves for a name
// is remembered, and other claimants are never followed silently.
import { Key, type Datastore } from 'interface-datastore'
import { fromString, toString } from 'uint8arrays'
import { PIN_PREFIX } from './constants.ts'

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
    try {
      return JSON.parse(toString(await this.datastore.get(new Key(PIN_PREFIX + name))))
    } catch (err: any) {
      if (err.name === 'NotFoundError') return undefined
      throw err
    }
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
      try { pins.push(JSON.parse(toString(value))) } catch {}
    }
    return pins
  }
}
