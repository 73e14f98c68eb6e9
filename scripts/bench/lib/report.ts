// Printing results: a table for a person, and docs/benchmarks.md with a hand-written SVG chart.
import { execFileSync } from 'node:child_process'
import { cpus } from 'node:os'
import type { FigureResult } from './figure.ts'
import { round } from './stats.ts'

const fmt = (v: number | null): string => v == null ? '—' : String(round(v))

export function table (results: FigureResult[]): string {
  const rows = [['figure', 'value', 'baseline', 'ratio', 'goal', 'met']]
  for (const r of results) {
    rows.push(r.value == null
      ? [r.name, `missing: ${r.missing ?? ''}`, '', '', r.goal ?? '', '']
      : [r.name, `${fmt(r.value)} ${r.unit}`, r.baselineValue == null ? '—' : `${fmt(r.baselineValue)} ${r.unit}`, r.ratio == null ? '—' : `${fmt(r.ratio)}×`, r.goal ?? '—', r.met == null ? '' : r.met ? 'yes' : 'NO'])
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.filter(r => !r[1].startsWith('missing')).map(r => r[c].length), c === 0 ? Math.max(...rows.map(r => r[0].length)) : 0))
  const lines = rows.map(r => r[1].startsWith('missing') ? `${r[0].padEnd(widths[0])}  ${r[1]}` : r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd())
  const details = results.filter(r => r.details != null).map(r => `  ${r.name}: ${JSON.stringify(r.details)}`)
  return [...lines, '', 'details:', ...details].join('\n')
}

export function machine (): { nproc: number, cpu: string, node: string, os: string } {
  let nproc = cpus().length
  try { nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim()) } catch {}
  return { nproc, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, os: `${process.platform} ${process.arch}` }
}

/** Horizontal bars of each measured ratio (value ÷ baseline) on a log scale, with the goal marked. */
export function svgChart (results: FigureResult[]): string {
  const measured = results.filter(r => r.ratio != null)
  const goals: Record<string, number> = { 'stream-throughput': 0.40 }
  const rowH = 34
  const left = 170
  const width = 720
  const plotW = width - left - 90
  const height = 50 + measured.length * rowH
  const min = 0.01
  const max = Math.max(100, ...measured.map(r => r.ratio!))
  const x = (v: number): number => left + plotW * (Math.log10(Math.max(v, min)) - Math.log10(min)) / (Math.log10(max) - Math.log10(min))
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="16" font-weight="bold">value ÷ baseline, same run (log scale; 1× = baseline)</text>`
  ]
  for (const tick of [0.01, 0.1, 1, 10, 100].filter(t => t <= max)) {
    parts.push(`<line x1="${x(tick)}" y1="24" x2="${x(tick)}" y2="${height - 14}" stroke="${tick === 1 ? '#333' : '#ddd'}"/>`)
    parts.push(`<text x="${x(tick)}" y="${height - 2}" text-anchor="middle" fill="#555">${tick}×</text>`)
  }
  measured.forEach((r, i) => {
    const y = 30 + i * rowH
    const color = r.met === false ? '#d9534f' : r.met === true ? '#5cb85c' : '#5b8def'
    parts.push(`<text x="${left - 8}" y="${y + 16}" text-anchor="end">${esc(r.name)}</text>`)
    parts.push(`<rect x="${x(min)}" y="${y + 4}" width="${Math.max(1, x(r.ratio!) - x(min))}" height="18" fill="${color}"/>`)
    parts.push(`<text x="${x(r.ratio!) + 4}" y="${y + 17}">${fmt(r.ratio)}× (${fmt(r.value)} ${esc(r.unit)})</text>`)
    if (goals[r.name] != null) parts.push(`<line x1="${x(goals[r.name])}" y1="${y}" x2="${x(goals[r.name])}" y2="${y + 26}" stroke="black" stroke-width="2" stroke-dasharray="3,2"/>`)
  })
  parts.push('</svg>')
  return parts.join('\n')
}

export function markdown (results: FigureResult[], info: { command: string, quick: boolean, date: string, notes?: string }): string {
  const m = machine()
  const rows = results.map(r => r.value == null
    ? `| \`${r.name}\` | missing: ${r.missing} | ${r.baseline ?? '—'} | — | — | ${r.goal ?? '—'} | — |`
    : `| \`${r.name}\` | ${fmt(r.value)} ${r.unit} | ${r.baseline ?? '—'} | ${fmt(r.baselineValue)} ${r.baselineValue == null ? '' : r.unit} | ${r.ratio == null ? '—' : `${fmt(r.ratio)}×`} | ${r.goal ?? '—'} | ${r.met == null ? '—' : r.met ? 'yes' : '**no**'} |`)
  const details = results.filter(r => r.details != null).map(r => `- \`${r.name}\`: \`${JSON.stringify(r.details)}\``)
  return [
    '# Benchmarks',
    '',
    'Every figure is measured next to its baseline in the same run on the same machine; on a shared',
    '2-core machine absolute numbers drift, ratios hold. Produced by `scripts/bench.ts`; do not edit by hand',
    'above the "Notes" heading — rerun instead.',
    '',
    `- command: \`${info.command}\`${info.quick ? ' (quick mode)' : ''}`,
    `- date: ${info.date}`,
    `- machine: ${m.nproc} cores (\`nproc\`), ${m.cpu}, ${m.os}`,
    `- node: ${m.node}`,
    '',
    '| figure | value | baseline | baseline value | ratio | goal | met |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    'Details (per-figure extras, same run):',
    '',
    ...details,
    '',
    '## Chart',
    '',
    'Green: goal met; red: goal missed; blue: no goal on the ratio. Dashed line: the ratio goal.',
    '',
    svgChart(results),
    '',
    ...(info.notes != null ? ['## Notes', '', info.notes, ''] : [])
  ].join('\n')
}
