// A short label for a case in a finding: the damage applied and the first bytes sent.
export function describe (damage: string, bytes: Uint8Array): string {
  const head = Buffer.from(bytes.subarray(0, 60)).toString('utf8').replace(/[^\x20-\x7e]/g, '.')
  return `${damage}, ${bytes.length} bytes: ${head}`
}
