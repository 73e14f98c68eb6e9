// Names that look alike to a person: punycode (xn--) labels that decode to Cyrillic or Greek
// letters shaped like Latin ones, digits that pass for letters, "rn" for "m". A resolved name whose
// skeleton equals that of a different pinned or domain-verified name earns a warning.
import { domainToUnicode } from 'node:url'

// Common confusables (Unicode TR39 subset) folded to the Latin letter they imitate.
const CONFUSABLES: Record<string, string> = {
  а: 'a', е: 'e', о: 'o', р: 'p', с: 'c', х: 'x', у: 'y', і: 'i', ј: 'j', ѕ: 's', ԁ: 'd', һ: 'h', ӏ: 'l', ԛ: 'q', ԝ: 'w', к: 'k', м: 'm', т: 't', в: 'b', н: 'h',
  α: 'a', ο: 'o', ν: 'v', ι: 'i', κ: 'k', τ: 't', ρ: 'p', υ: 'u', χ: 'x', ε: 'e', η: 'n', μ: 'u',
  ı: 'i', ł: 'l', ø: 'o', đ: 'd', ß: 'ss',
  0: 'o', 1: 'l', 3: 'e', 5: 's', 7: 't', '|': 'l'
}

/** What a name looks like, folded: equal skeletons mean a person may take one for the other. */
export function skeleton (name: string): string {
  const unicode = name.includes('xn--') ? domainToUnicode(name) || name : name
  // By code point on purpose: NFKD has already split what combines, and CONFUSABLES maps code points.
  // eslint-disable-next-line @typescript-eslint/no-misused-spread
  const folded = [...unicode.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase()].map(ch => CONFUSABLES[ch] ?? ch).join('')
  return folded.replace(/rn/g, 'm').replace(/vv/g, 'w').replace(/i/g, 'l').replace(/[_.-]/g, '-')
}

/** The names among `known` that `name` imitates (same skeleton, different spelling). */
export function lookalikesOf (name: string, known: Iterable<string>): string[] {
  const mine = skeleton(name)
  return [...new Set(known)].filter(other => other !== name && skeleton(other) === mine)
}
