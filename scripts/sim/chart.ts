// The results as a Markdown table and an SVG bar chart (servedByMalicious per attack, per model).
import type { Row } from './world.ts'

const COLORS: Record<string, string> = { agentwire: '#2b7bb9', eigentrust: '#e08a1e', none: '#9a9a9a' }

export function table (rows: Row[]): string {
  const lines = ['| agents | attack | malicious | model | servedByMalicious | badByMalicious | honestSuccess | falseQuarantine | roundsToQuarantine |', '|---:|---|---:|---|---:|---:|---:|---:|---:|']
  for (const r of rows) lines.push(`| ${r.agents} | ${r.attack} | ${Math.round(r.malicious * 100)}% | ${r.model} | ${r.servedByMalicious.toFixed(3)} | ${r.badByMalicious.toFixed(3)} | ${r.honestSuccess.toFixed(3)} | ${r.falseQuarantine.toFixed(4)} | ${r.roundsToQuarantine ?? '—'} |`)
  return lines.join('\n')
}

/** One panel per malicious fraction: bars of servedByMalicious per attack and model (first agent count only). */
export function svg (rows: Row[]): string {
  const agents = rows[0]?.agents
  const mals = [...new Set(rows.map(r => r.malicious))]
  const attacks = [...new Set(rows.map(r => r.attack))]
  const models = [...new Set(rows.map(r => r.model))]
  const bw = 6
  const gw = models.length * bw + 6
  const pw = attacks.length * gw + 40
  const ph = 160
  const width = pw * 2 + 20
  const height = Math.ceil(mals.length / 2) * (ph + 90) + 40
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="9">`, '<rect width="100%" height="100%" fill="white"/>',
    `<text x="10" y="16" font-size="12">servedByMalicious (lower is better), ${agents} agents</text>`]
  models.forEach((m, i) => out.push(`<rect x="${300 + i * 90}" y="7" width="10" height="10" fill="${COLORS[m] ?? '#000'}"/><text x="${314 + i * 90}" y="16">${m}</text>`))
  mals.forEach((mal, p) => {
    const ox = 10 + (p % 2) * (pw + 10)
    const oy = 40 + Math.floor(p / 2) * (ph + 90)
    out.push(`<text x="${ox}" y="${oy - 4}" font-size="11">${Math.round(mal * 100)}% malicious</text>`)
    out.push(`<line x1="${ox + 30}" y1="${oy + ph}" x2="${ox + pw}" y2="${oy + ph}" stroke="#333"/>`)
    for (const t of [0, 0.25, 0.5, 0.75, 1]) out.push(`<text x="${ox}" y="${oy + ph - t * ph + 3}">${t}</text><line x1="${ox + 28}" y1="${oy + ph - t * ph}" x2="${ox + pw}" y2="${oy + ph - t * ph}" stroke="#eee"/>`)
    attacks.forEach((a, ai) => {
      const gx = ox + 34 + ai * gw
      models.forEach((m, mi) => {
        const r = rows.find(x => x.agents === agents && x.malicious === mal && x.attack === a && x.model === m)
        if (r == null) return
        const h = r.servedByMalicious * ph
        out.push(`<rect x="${gx + mi * bw}" y="${(oy + ph - h).toFixed(1)}" width="${bw - 1}" height="${h.toFixed(1)}" fill="${COLORS[m] ?? '#000'}"/>`)
      })
      out.push(`<text transform="translate(${gx + 4},${oy + ph + 6}) rotate(60)">${a}</text>`)
    })
  })
  out.push('</svg>')
  return out.join('\n')
}
