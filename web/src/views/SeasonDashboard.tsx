import { useState } from 'react'
import { api } from '../api/client'
import type { Figures, Job, Version } from '../api/types'
import { can, type Session } from '../lib/auth'
import { useInterval, useLoad } from '../lib/hooks'
import { href, navigate } from '../lib/router'
import { fmtNum } from '../lib/schedule'
import { ErrorNote, Loading, StatusBadge } from '../components/ui'
import { SolveDialog } from './SolveDialog'

export function figuresOf(v: Version): Figures {
  return (v.objective ?? {}) as Figures
}

export function VersionsTable({ versions, caption }: { versions: Version[]; caption: string }) {
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col" className="num">Hard violations</th>
            <th scope="col" className="num">Objective</th>
            <th scope="col" className="num">Travel (km)</th>
            <th scope="col" className="num">Gap</th>
            <th scope="col">Note</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => {
            const f = figuresOf(v)
            return (
              <tr key={v.id}>
                <th scope="row">
                  <a href={href('schedules', v.id)}>v{v.version}</a>
                </th>
                <td><StatusBadge status={v.status} /></td>
                <td className={`num${f.infeasibility ? ' bad' : ''}`}>{fmtNum(f.infeasibility)}</td>
                <td className="num">{fmtNum(f.objective)}</td>
                <td className="num">{fmtNum(f.travel_total)}</td>
                <td className="num">{f.gap === undefined || f.gap === null ? '—' : `${(f.gap * 100).toFixed(1)}%`}</td>
                <td>{v.note}</td>
                <td><time dateTime={v.created_at}>{new Date(v.created_at).toLocaleString()}</time></td>
              </tr>
            )
          })}
          {!versions.length && (
            <tr><td colSpan={8} className="muted">No schedule versions yet: run a solve.</td></tr>
          )}
        </tbody>
      </table>
    </div>
  )
}

export function JobsList({ jobs }: { jobs: Job[] }) {
  if (!jobs.length) return <p className="muted">No jobs yet.</p>
  return (
    <ul className="plain jobs">
      {jobs.map((j) => (
        <li key={j.id}>
          <a href={href('jobs', j.id)}>{j.kind} job</a> <StatusBadge status={j.status} />{' '}
          <time className="muted" dateTime={j.created_at}>{new Date(j.created_at).toLocaleString()}</time>
          {j.error_cause && <div className="muted small">{j.error_cause}</div>}
        </li>
      ))}
    </ul>
  )
}

export function SeasonDashboard({ seasonId, session }: { seasonId: string; session: Session }) {
  const [solving, setSolving] = useState(false)
  const staff = can(session, 'jobs')
  const data = useLoad(async () => {
    const [season, scenarios, versions, jobs, notes, sports] = await Promise.all([
      api.season(seasonId),
      staff ? api.scenarios(seasonId) : Promise.resolve({ items: [] }),
      api.versions(seasonId),
      staff ? api.jobs(seasonId, 8) : Promise.resolve({ items: [] as Job[] }),
      api.notifications().catch(() => ({ items: [] })),
      api.sports(),
    ])
    return {
      season, scenarios: scenarios.items, versions: versions.items, jobs: jobs.items as Job[],
      notes: notes.items, sport: sports.items.find((s) => s.id === season.sport_id),
    }
  }, [seasonId])
  const running = !!data.data?.jobs.some((j) => j.status === 'queued' || j.status === 'running')
  useInterval(data.reload, 2000, running)

  if (data.error) return <ErrorNote error={data.error} onRetry={data.reload} />
  if (!data.data) return <Loading what="the season" />
  const d = data.data
  const versions = [...d.versions].sort((a, b) => b.version - a.version)
  const latest = versions[0]
  return (
    <div>
      <nav aria-label="Breadcrumb" className="crumbs">
        <a href="#/">Seasons</a> › <span aria-current="page">{d.sport?.name} {d.season.name}</span>
      </nav>
      <div className="page-head">
        <h1>{d.sport?.name} {d.season.name}</h1>
        <div className="actions">
          {latest && <a className="button" href={href('schedules', latest.id)}>Open latest schedule</a>}
          {versions.length > 1 && (
            <a className="button" href={`${href('seasons', seasonId, 'compare')}?a=${versions[1].id}&b=${versions[0].id}`}>Compare versions</a>
          )}
          {can(session, 'solve') && (
            <button type="button" className="primary" onClick={() => setSolving(true)}>Run a solve…</button>
          )}
        </div>
      </div>
      <div className="dash">
        <section aria-labelledby="versions-h" className="card span2">
          <h2 id="versions-h">Schedule versions</h2>
          <VersionsTable versions={versions} caption="Versions with their quality figures" />
        </section>
        {staff && (
          <section aria-labelledby="scen-h" className="card">
            <h2 id="scen-h">Scenarios</h2>
            <ul className="plain">
              {d.scenarios.map((s) => (
                <li key={s.id}><strong>{s.name}</strong> <span className="muted">{s.description}</span></li>
              ))}
            </ul>
          </section>
        )}
        {staff && (
          <section aria-labelledby="jobs-h" className="card">
            <h2 id="jobs-h">Recent jobs</h2>
            <JobsList jobs={d.jobs} />
          </section>
        )}
        <section aria-labelledby="notes-h" className="card">
          <h2 id="notes-h">Notifications</h2>
          {d.notes.length ? (
            <ul className="plain">
              {d.notes.slice(0, 8).map((n) => (
                <li key={n.id} className={n.read_at ? 'muted' : ''}>
                  <strong>{n.kind}</strong> {String((n.payload as Record<string, unknown>).title ?? (n.payload as Record<string, unknown>).body ?? '')}{' '}
                  <time className="muted small" dateTime={n.created_at}>{new Date(n.created_at).toLocaleString()}</time>
                </li>
              ))}
            </ul>
          ) : <p className="muted">Nothing new.</p>}
        </section>
      </div>
      {solving && (
        <SolveDialog
          seasonId={seasonId}
          scenarios={d.scenarios}
          onClose={() => setSolving(false)}
          onStarted={(job) => navigate(href('jobs', job.id))}
        />
      )}
    </div>
  )
}
