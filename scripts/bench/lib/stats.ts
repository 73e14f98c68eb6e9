// Small statistics over samples; the median is the headline because these machines are noisy.

export function quantile (samples: number[], q: number): number {
  if (samples.length === 0) throw new Error('no samples')
  const sorted = [...samples].sort((a, b) => a - b)
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo)
}

export const median = (samples: number[]): number => quantile(samples, 0.5)

/** Round for printing and JSON: three significant digits is all a noisy 2-core machine can back. */
export function round (value: number, digits = 3): number {
  if (value === 0 || !Number.isFinite(value)) return value
  const scale = 10 ** (digits - 1 - Math.floor(Math.log10(Math.abs(value))))
  return Math.round(value * scale) / scale
}

export const nowMs = (): number => performance.now()
