// Trust on first use for names, like SSH known_hosts: the first PeerId a node resolves for a name
// is remembered, and a different claimant later is refused until the operator accepts it.
import { Key, type Datastore } from 'interface-datastore'
import { fromString, toString } from 'uint8arrays'
import { PIN_PREFIX } from './constants.ts'

export interface NamePin { name: string, peerId: string, pinnedAt: number }

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

  async set (name: string, peerId: string): Promise<NamePin> {
    const pin: NamePin = { name, peerId, pinnedAt: Date.now() }
    await this.datastore.put(new Key(PIN_PREFIX + name), fromString(JSON.stringify(pin)))
    return pin
  }
}
