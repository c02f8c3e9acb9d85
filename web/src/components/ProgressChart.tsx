// Objective and bound over time, hand-rolled SVG (no chart library: keeps the bundle small).
import type { ProgressSample } from '../api/types'

const W = 560
const H = 220
const PAD = { l: 56, r: 12, t: 12, b: 32 }

export function ProgressChart({ samples }: { samples: ProgressSample[] }) {
  const pts = samples.filter((s) => typeof s.objective === 'number' && typeof s.t_seconds === 'number')
  if (!pts.length) return <p className="muted">No solutions yet: the chart starts with the first one.</p>
  const ts = pts.map((p) => p.t_seconds as number)
  const vals = pts.flatMap((p) => [p.objective as number, ...(typeof p.bound === 'number' ? [p.bound] : [])])
  const t0 = 0
  const t1 = Math.max(...ts, 1e-3)
  let v0 = Math.min(...vals)
  let v1 = Math.max(...vals)
  if (v0 === v1) { v0 -= 1; v1 += 1 }
  const x = (t: number) => PAD.l + ((t - t0) / (t1 - t0)) * (W - PAD.l - PAD.r)
  const y = (v: number) => PAD.t + (1 - (v - v0) / (v1 - v0)) * (H - PAD.t - PAD.b)
  // step lines: a value holds until the next sample
  const step = (get: (p: ProgressSample) => number | undefined) => {
    const out: string[] = []
    let prev: number | undefined
    for (const p of pts) {
      const v = get(p)
      if (v === undefined) continue
      if (prev !== undefined) out.push(`${x(p.t_seconds as number)},${y(prev)}`)
      out.push(`${x(p.t_seconds as number)},${y(v)}`)
      prev = v
    }
    return out.join(' ')
  }
  const last = pts[pts.length - 1]
  const ticks = [v0, (v0 + v1) / 2, v1]
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title chart-desc" width="100%">
        <title id="chart-title">Objective and bound over time</title>
        <desc id="chart-desc">
          {`${pts.length} solutions in ${t1.toFixed(1)} s; latest objective ${last.objective}` +
            (typeof last.bound === 'number' ? `, bound ${Math.round(last.bound)}` : '')}
        </desc>
        <line x1={PAD.l} y1={H - PAD.b} x2={W - PAD.r} y2={H - PAD.b} className="axis" />
        <line x1={PAD.l} y1={PAD.t} x2={PAD.l} y2={H - PAD.b} className="axis" />
        {ticks.map((v) => (
          <text key={v} x={PAD.l - 6} y={y(v) + 4} textAnchor="end" className="tick">
            {Math.round(v)}
          </text>
        ))}
        <text x={W - PAD.r} y={H - 8} textAnchor="end" className="tick">{`${t1.toFixed(1)} s`}</text>
        <text x={PAD.l} y={H - 8} className="tick">0 s</text>
        <polyline points={step((p) => (typeof p.bound === 'number' ? p.bound : undefined))} className="line bound" />
        <polyline points={step((p) => p.objective)} className="line objective" />
        {pts.map((p, i) => (
          <circle key={i} cx={x(p.t_seconds as number)} cy={y(p.objective as number)} r={3} className="dot" />
        ))}
      </svg>
      <figcaption>
        <span className="key objective">objective</span> <span className="key bound">bound</span>
      </figcaption>
    </figure>
  )
}
