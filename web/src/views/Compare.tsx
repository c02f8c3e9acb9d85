import { api } from '../api/client'
import type { Figures, Version } from '../api/types'
import { useLoad } from '../lib/hooks'
import { href, navigate } from '../lib/router'
import { fmtNum } from '../lib/schedule'
import { ErrorNote, Loading, StatusBadge } from '../components/ui'

const ROWS: { key: keyof Figures; label: string; better: 'lower' | 'higher' }[] = [
  { key: 'infeasibility', label: 'Hard violations', better: 'lower' },
  { key: 'objective', label: 'Objective', better: 'lower' },
  { key: 'travel_total', label: 'Travel (km)', better: 'lower' },
  { key: 'gap', label: 'Optimality gap', better: 'lower' },
]

export function Compare({ seasonId, a, b }: { seasonId: string; a: string | null; b: string | null }) {
  const versions = useLoad(() => api.versions(seasonId), [seasonId])
  const diff = useLoad(() => (a && b ? api.diff(a, b) : Promise.resolve(null)), [a, b])
  if (versions.error) return <ErrorNote error={versions.error} />
  if (!versions.data) return <Loading what="versions" />
  const all = [...versions.data.items].sort((x, y) => y.version - x.version)
  const va = all.find((v) => v.id === a)
  const vb = all.find((v) => v.id === b)
  const set = (which: 'a' | 'b', id: string) => {
    const q = new URLSearchParams({ a: a ?? '', b: b ?? '' })
    q.set(which, id)
    navigate(`${href('seasons', seasonId, 'compare')}?${q}`)
  }
  const pick = (which: 'a' | 'b', v: Version | undefined) => (
    <label>
      {which === 'a' ? 'Base version' : 'Compared version'}
      <select value={v?.id ?? ''} onChange={(e) => set(which, e.target.value)}>
        <option value="">Choose…</option>
        {all.map((x) => <option key={x.id} value={x.id}>v{x.version} ({x.status})</option>)}
      </select>
    </label>
  )
  const fig = (v: Version | undefined, k: keyof Figures) => (v ? ((v.objective ?? {}) as Figures)[k] : undefined)
  return (
    <div>
      <nav aria-label="Breadcrumb" className="crumbs">
        <a href="#/">Seasons</a> › <a href={href('seasons', seasonId)}>Season</a> › <span aria-current="page">Compare</span>
      </nav>
      <h1>Compare versions</h1>
      <div className="form-row">{pick('a', va)}{pick('b', vb)}</div>
      {va && vb && (
        <div className="table-wrap">
          <table className="compare">
            <caption>Figures side by side</caption>
            <thead>
              <tr>
                <th scope="col">Figure</th>
                <th scope="col"><a href={href('schedules', va.id)}>v{va.version}</a> <StatusBadge status={va.status} /></th>
                <th scope="col"><a href={href('schedules', vb.id)}>v{vb.version}</a> <StatusBadge status={vb.status} /></th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {ROWS.map((r) => {
                const x = fig(va, r.key), y = fig(vb, r.key)
                const delta = typeof x === 'number' && typeof y === 'number' ? y - x : null
                const fmt = (n: number | undefined) => (r.key === 'gap' && typeof n === 'number' ? `${(n * 100).toFixed(1)}%` : fmtNum(n))
                return (
                  <tr key={r.key}>
                    <th scope="row">{r.label}</th>
                    <td className="num">{fmt(x)}</td>
                    <td className="num">{fmt(y)}</td>
                    <td className={`num ${delta === null || delta === 0 ? '' : (delta < 0) === (r.better === 'lower') ? 'good' : 'bad'}`}>
                      {delta === null ? '—' : delta === 0 ? 'same' : `${delta > 0 ? '+' : ''}${r.key === 'gap' ? (delta * 100).toFixed(1) + ' pts' : fmtNum(delta)}`}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      <ErrorNote error={diff.error} />
      {diff.data && (
        <div className="table-wrap">
          <table>
            <caption>{diff.data.changes.length} game change(s) from v{va?.version} to v{vb?.version}</caption>
            <thead><tr><th scope="col">Change</th><th scope="col">Game</th><th scope="col">From</th><th scope="col">To</th></tr></thead>
            <tbody>
              {diff.data.changes.map((c, i) => (
                <tr key={i}>
                  <td>{c.kind}</td>
                  <th scope="row">{c.away} at {c.home}</th>
                  <td>{c.from_date ?? (c.from_slot !== null && c.from_slot !== undefined ? `slot ${c.from_slot + 1}` : '—')}</td>
                  <td>{c.to_date ?? (c.to_slot !== null && c.to_slot !== undefined ? `slot ${c.to_slot + 1}` : '—')}</td>
                </tr>
              ))}
              {!diff.data.changes.length && <tr><td colSpan={4} className="muted">The two versions have the same games.</td></tr>}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
