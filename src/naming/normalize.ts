// What a typed name becomes before it is looked up: one spelling per name, so "Alpha", "alpha "
// and "ALPHA" are the same DHT key, and a name typed in another script becomes its punycode form
// (which the lookalike check then warns about) instead of an unreadable refusal.
import { domainToASCII } from 'node:url'
import { NAME_PATTERN } from '../config/index.ts'

/** The canonical form of a name, or a sentence saying why it is not one. */
export function normalizeName (text: string): { name: string } | { error: string } {
  let name = text.trim().normalize('NFKC').toLowerCase()
  // eslint-disable-next-line no-control-regex
  if (/[^\x00-\x7f]/.test(name)) {
    const ascii = domainToASCII(name)
    if (ascii === '') return { error: 'contains characters that cannot be a name, even as punycode' }
    name = ascii
  }
  if (name.length === 0) return { error: 'a name has at least 1 character' }
  if (name.length > 63) return { error: `a name has at most 63 characters; this one has ${name.length}` }
  if (!NAME_PATTERN.test(name)) return { error: 'a name is a-z, 0-9, ".", "_" or "-", starting with a letter or digit' }
  return { name }
}
