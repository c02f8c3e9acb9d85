import { useCallback, useMemo, useState } from 'react'
import { api, ApiError } from '../api/client'
import type { EditOp, EditOutcome, Game, ScheduleOut, StoredConstraint, Team, ValidationReport, Venue, Version } from '../api/types'
import { can, type Session } from '../lib/auth'
import { download, useLoad } from '../lib/hooks'
import { href, navigate } from '../lib/router'
import { fmtNum, gameKey, seasonSlots, slotLabel, violationMarks } from '../lib/schedule'
import { Dialog, ErrorNote, Figure, Loading, StatusBadge, Tabs } from '../components/ui'
import { Grid, type DropTarget } from '../components/Grid'
import { TeamView } from '../components/TeamView'
import { MatrixView } from '../components/MatrixView'
import { VenueView } from '../components/VenueView'
import { Comments } from '../components/Comments'
import { figuresOf } from './SeasonDashboard'

type View = 'grid' | 'team' | 'matrix' | 'venues'
const VIEWS: { id: View; label: string }[] = [
  { id: 'grid', label: 'Grid' }, { id: 'team', label: 'Team' }, { id: 'matrix', label: 'Matrix' }, { id: 'venues', label: 'Venues' },
]

interface Loaded {
  schedule: ScheduleOut
  teams: Team[]
  venues: Venue[]
  constraints: StoredConstraint[]
  calendar: { index: number; date?: string | null; label?: string | null }[]
  validation: ValidationReport | null
  versions: Version[]
}

async function loadAll(id: string, staff: boolean): Promise<Loaded> {
  const schedule = await api.schedule(id)
  const v = schedule.version
  const [teams, venues, scenario, validation, versions] = await Promise.all([
    api.teams(v.season_id),
    api.venues(),
    staff && v.scenario_id ? api.scenario(v.scenario_id).catch(() => null) : Promise.resolve(null),
    api.validation(id).catch(() => null),
    api.versions(v.season_id),
  ])
  const fmt = (scenario?.scenario.format ?? {}) as { slots?: Loaded['calendar'] }
  return {
    schedule, teams: teams.items, venues: venues.items, constraints: scenario?.constraints ?? [],
    calendar: fmt.slots ?? [], validation, versions: versions.items,
  }
}

/** The games after one op, for showing a previewed edit on the grid. */
export function applyOp(games: Game[], op: EditOp): Game[] {
  const same = (g: Game, r: { home: string; away: string; slot: number }) => g.home === r.home && g.away === r.away && g.slot === r.slot
  if (op.op === 'move') return games.map((g) => (same(g, op) ? { ...g, slot: op.to_slot, day: null } : g))
  if (op.op === 'swap') {
    const a = op.first, b = op.second
    return games.map((g) => (same(g, a) ? { ...g, slot: b.slot, day: null } : same(g, b) ? { ...g, slot: a.slot, day: null } : g))
  }
  return games.map((g) => (same(g, op) ? { ...g, locked: op.op === 'lock' } : g))
}

export function describeOp(op: EditOp, label: (slot: number) => string = (s) => `slot ${s + 1}`): string {
  if (op.op === 'move') return `Move ${op.away} at ${op.home} from ${label(op.slot)} to ${label(op.to_slot)}`
  if (op.op === 'swap') return `Swap ${op.first.away} at ${op.first.home} with ${op.second.away} at ${op.second.home}`
  return `${op.op === 'lock' ? 'Lock' : 'Unlock'} ${op.away} at ${op.home}`
}

export function conflictMessage(e: ApiError, version: Version): string {
  return `Someone else changed version ${version.version} after you opened it (${e.status} ${e.title || 'Precondition Failed'}). Your edit was not saved. Reload to see their changes, then redo it.`
}

export function ScheduleView({ scheduleId, session, initialView }: { scheduleId: string; session: Session; initialView?: View }) {
  const staff = can(session, 'drafts')
  const data = useLoad(() => loadAll(scheduleId, staff), [scheduleId])
  const [view, setView] = useState<View>(initialView ?? 'grid')
  const [team, setTeam] = useState('')
  const [picked, setPicked] = useState<Game | null>(null)
  const [pending, setPending] = useState<{ op: EditOp; outcome: EditOutcome | null; error: Error | null } | null>(null)
  const [saving, setSaving] = useState(false)
  const [conflict, setConflict] = useState<string | null>(null)
  const [message, setMessage] = useState<string>('')
  const [error, setError] = useState<Error | null>(null)
  const [publishing, setPublishing] = useState(false)
  const [icsTeam, setIcsTeam] = useState('')
  const [reporting, setReporting] = useState<string | null>(null)

  const d = data.data
  const version = d?.schedule.version
  const editable = !!version && can(session, 'edit') && version.status === 'draft'
  const shownGames = useMemo(() => (d && pending ? applyOp(d.schedule.games, pending.op) : d?.schedule.games ?? []), [d, pending])
  const slots = useMemo(() => (d ? seasonSlots(d.schedule.games, d.calendar) : []), [d])
  const teamIds = useMemo(() => d?.teams.map((t) => t.id) ?? [], [d])
  const focusGames = useMemo(() => {
    if (!pending) return []
    const op = pending.op
    let moved: { home: string; away: string; slot: number }[] = []
    if (op.op === 'move') moved = [{ ...op, slot: op.to_slot }]
    else if (op.op === 'swap') moved = [{ ...op.first, slot: op.second.slot }, { ...op.second, slot: op.first.slot }]
    return shownGames.filter((g) => moved.some((m) => m.home === g.home && m.away === g.away && m.slot === g.slot))
  }, [pending, shownGames])
  const marks = useMemo(() => {
    if (!d) return new Map()
    if (pending?.outcome) return violationMarks(pending.outcome.caused, d.constraints, shownGames, teamIds, pending.outcome.caused.length || (pending.outcome.structural ?? []).length ? focusGames : [])
    return violationMarks(d.validation?.violations ?? [], d.constraints, shownGames, teamIds)
  }, [d, pending, shownGames, teamIds, focusGames])
  const changed = useMemo(() => new Set(focusGames.map(gameKey)), [focusGames])

  const labelOf = useCallback((i: number) => slots.find((s) => s.index === i)?.label ?? `slot ${i + 1}`, [slots])
  const preview = useCallback(async (op: EditOp) => {
    setPending({ op, outcome: null, error: null })
    setConflict(null)
    try {
      const outcome = await api.preview(scheduleId, [op])
      setPending({ op, outcome, error: null })
      setMessage(outcome.caused.length || (outcome.structural ?? []).length ? `${describeOp(op, labelOf)} would break ${outcome.caused.length + (outcome.structural ?? []).length} rule(s).` : `${describeOp(op, labelOf)} breaks nothing.`)
    } catch (e) {
      setPending({ op, outcome: null, error: e as Error })
    }
  }, [scheduleId, labelOf])

  const onDrop = useCallback((g: Game, t: DropTarget) => {
    setPicked(null)
    if (t.slot === g.slot) return
    const ref = { home: g.home, away: g.away, slot: g.slot }
    if (t.game && gameKey(t.game) !== gameKey(g)) {
      if (t.game.locked) return setMessage('That game is locked: unlock it first.')
      void preview({ op: 'swap', first: ref, second: { home: t.game.home, away: t.game.away, slot: t.game.slot } })
    } else void preview({ op: 'move', ...ref, to_slot: t.slot })
  }, [preview])

  /** Save: a solver's draft is kept as it is (the edit goes to a new draft); a hand-made draft is edited in place. */
  const save = async (ops: EditOp[]) => {
    if (!version) return
    setSaving(true)
    setError(null)
    setConflict(null)
    try {
      let target = version
      if (version.job_id) target = await api.derive(version.id)
      const saved = await api.saveEdits(target.id, target.etag, ops, ops.map((o) => describeOp(o, labelOf)).join('; '))
      setPending(null)
      setPicked(null)
      const v = saved.validation
      setMessage(`Saved as version ${saved.version.version} (draft). ${v.caused.length ? `${v.caused.length} new violation(s).` : 'No new violations.'}`)
      if (saved.version.id !== scheduleId) navigate(href('schedules', saved.version.id))
      else data.reload()
    } catch (e) {
      if (e instanceof ApiError && e.isConflict) setConflict(conflictMessage(e, version))
      else setError(e as Error)
    } finally {
      setSaving(false)
    }
  }

  const publish = async () => {
    if (!version) return
    setError(null)
    try {
      await api.publish(version.id, version.etag)
      setPublishing(false)
      setMessage(`Version ${version.version} is published (read-only).`)
      data.reload()
    } catch (e) {
      setPublishing(false)
      if (e instanceof ApiError && e.isConflict) setConflict(conflictMessage(e, version))
      else setError(e as Error)
    }
  }

  const exportFile = async (format: 'csv' | 'robinx' | 'ics', teamId?: string) => {
    if (!version) return
    try {
      const text = await api.exportText(version.id, format, teamId)
      const ext = format === 'robinx' ? 'xml' : format
      const type = format === 'csv' ? 'text/csv' : format === 'ics' ? 'text/calendar' : 'application/xml'
      download(`flextime-v${version.version}${teamId ? `-${teamId}` : ''}.${ext}`, text, type)
    } catch (e) {
      setError(e as Error)
    }
  }

  const reportFile = async (name: 'report.pdf' | 'report.html') => {
    if (!version) return
    setError(null)
    setReporting(name)
    try {
      let file: Blob
      try {
        file = await api.reportFile(version.id, name)
      } catch (e) {
        // no report yet: schedulers build it (5-10 s), the others cannot
        if (!(e instanceof ApiError && e.status === 404 && can(session, 'edit'))) throw e
        await api.generateReport(version.id)
        file = await api.reportFile(version.id, name)
      }
      download(`flextime-v${version.version}-${name}`, file, file.type)
    } catch (e) {
      setError(e as Error)
    } finally {
      setReporting(null)
    }
  }

  if (data.error) return <ErrorNote error={data.error} onRetry={data.reload} />
  if (!d || !version) return <Loading what="the schedule" />
  const f = figuresOf(version)
  const teamSel = team || d.teams[0]?.id || ''
  const seasonVenues = d.venues.filter((v) => d.teams.some((t) => t.venue === v.id))
  const others = d.versions.filter((v) => v.id !== version.id).sort((a, b) => b.version - a.version)
  const pickedSlot = picked ? slots.find((s) => s.index === picked.slot) : null
  const pickedTeamGames = picked ? d.schedule.games.filter((g) => gameKey(g) !== gameKey(picked) && [g.home, g.away].some((t) => t === picked.home || t === picked.away)) : []

  return (
    <div>
      <nav aria-label="Breadcrumb" className="crumbs">
        <a href="#/">Seasons</a> › <a href={href('seasons', version.season_id)}>Season</a> › <span aria-current="page">Version {version.version}</span>
      </nav>
      <div className="page-head">
        <h1>Schedule v{version.version} <StatusBadge status={version.status} /></h1>
        <div className="actions">
          {others.length > 0 && staff && (
            <a className="button" href={`${href('seasons', version.season_id, 'compare')}?a=${others[0].id}&b=${version.id}`}>Compare</a>
          )}
          {version.status !== 'draft' && can(session, 'edit') && (
            <button type="button" onClick={async () => { try { const dr = await api.derive(version.id); navigate(href('schedules', dr.id)) } catch (e) { setError(e as Error) } }}>
              New draft from this version
            </button>
          )}
          {editable && <button type="button" className="primary" onClick={() => setPublishing(true)}>Publish…</button>}
        </div>
      </div>
      {version.status === 'published' && (
        <p className="note info" role="note">This version is published and read-only. To change it, make a new draft from it.</p>
      )}
      <div className="figures">
        <Figure label="Games" value={d.schedule.games.length} />
        <Figure label="Hard violations" value={fmtNum(f.infeasibility ?? d.validation?.infeasibility)} />
        <Figure label="Objective" value={fmtNum(f.objective ?? d.validation?.objective)} />
        <Figure label="Travel (km)" value={fmtNum(f.travel_total ?? d.validation?.travel_total)} />
        <Figure label="Locked games" value={d.schedule.games.filter((g) => g.locked).length} />
      </div>
      <div aria-live="polite" role="status" className="sr-status">{message}</div>
      {message && <p className="note info">{message}</p>}
      {conflict && (
        <div className="note error" role="alert">
          <strong>Edit conflict.</strong> {conflict}{' '}
          <button type="button" onClick={() => { setConflict(null); setPending(null); data.reload() }}>Reload</button>
        </div>
      )}
      <ErrorNote error={error} />

      <Tabs label="Schedule views" tabs={VIEWS} current={view} onChange={setView} />
      <div role="tabpanel" id={`panel-${view}`} aria-labelledby={`tab-${view}`} className="panel">
        {view === 'grid' && (
          <div className="grid-layout">
            <div>
              <p id="grid-help" className="muted small">
                {editable
                  ? 'Drag a game to another date, or use the keyboard: arrow keys move between cells, Enter picks a game up, Enter on another date of the same team moves it there (or swaps with the game there), Escape cancels. H = home, @ = away.'
                  : 'Arrow keys move between cells; Enter selects a game. "@" marks away games.'}
              </p>
              <Grid
                teams={d.teams} slots={slots} games={shownGames} marks={marks} picked={picked}
                editable={editable && !pending} onPick={setPicked} onDrop={onDrop} changed={changed}
              />
            </div>
            <aside className="side" aria-label="Selected game">
              {picked ? (
                <section className="card" aria-labelledby="sel-h">
                  <h2 id="sel-h">{picked.away} at {picked.home}</h2>
                  <p>{pickedSlot?.label ?? slotLabel(picked.slot, picked.day)}{picked.locked ? ' · locked' : ''}</p>
                  {editable && !picked.locked && (
                    <>
                      <label>
                        Move to
                        <select id="move-to" defaultValue="" onChange={(e) => e.target.value !== '' && onDrop(picked, { team: picked.home, slot: Number(e.target.value), game: null })}>
                          <option value="">Choose a date…</option>
                          {slots.filter((s) => s.index !== picked.slot).map((s) => <option key={s.index} value={s.index}>{s.label}</option>)}
                        </select>
                      </label>
                      <label>
                        Swap with
                        <select defaultValue="" onChange={(e) => {
                          const g = pickedTeamGames.find((x) => gameKey(x) === e.target.value)
                          if (g) onDrop(picked, { team: picked.home, slot: g.slot, game: g })
                        }}>
                          <option value="">Choose a game…</option>
                          {pickedTeamGames.filter((g) => !g.locked && g.slot !== picked.slot).map((g) => <option key={gameKey(g)} value={gameKey(g)}>{g.away} at {g.home}, {slotLabel(g.slot, g.day)}</option>)}
                        </select>
                      </label>
                    </>
                  )}
                  {editable && (
                    <button type="button" disabled={saving} onClick={() => save([{ op: picked.locked ? 'unlock' : 'lock', home: picked.home, away: picked.away, slot: picked.slot }])}>
                      {picked.locked ? 'Unlock game' : 'Lock game'}
                    </button>
                  )}
                  <button type="button" className="link" onClick={() => setPicked(null)}>Clear selection</button>
                </section>
              ) : <p className="muted small">Select a game to move, swap, lock or comment on it.</p>}
              {picked && staff && (
                <Comments entityType="game" entityId={`${version.id}:${gameKey(picked)}`} title={`${picked.away} at ${picked.home}`} canPost={can(session, 'comment')} />
              )}
            </aside>
          </div>
        )}
        {view === 'team' && <TeamView team={teamSel} teams={d.teams} games={d.schedule.games} venues={d.venues} onTeam={setTeam} />}
        {view === 'matrix' && <MatrixView teams={d.teams} games={d.schedule.games} />}
        {view === 'venues' && <VenueView venues={seasonVenues} />}
      </div>

      <section className="card" aria-labelledby="exp-h">
        <h2 id="exp-h">Exports</h2>
        <div className="form-row">
          <button type="button" onClick={() => exportFile('csv')}>Download CSV</button>
          <button type="button" onClick={() => exportFile('robinx')}>Download RobinX XML</button>
          <label>
            Team calendar
            <select value={icsTeam || teamSel} onChange={(e) => setIcsTeam(e.target.value)}>
              {d.teams.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
            </select>
          </label>
          <button type="button" onClick={() => exportFile('ics', icsTeam || teamSel)}>Download ICS</button>
        </div>
        <div className="form-row" aria-live="polite">
          <button type="button" disabled={!!reporting} onClick={() => reportFile('report.pdf')}>
            {reporting === 'report.pdf' ? 'Preparing the report…' : 'Download report (PDF)'}
          </button>
          <button type="button" disabled={!!reporting} onClick={() => reportFile('report.html')}>
            {reporting === 'report.html' ? 'Preparing the report…' : 'Download report (HTML)'}
          </button>
        </div>
      </section>
      {staff && <Comments entityType="schedule" entityId={version.id} title={`version ${version.version}`} canPost={can(session, 'comment')} />}

      {pending && (
        <Dialog title="Check the edit" onClose={() => setPending(null)}>
          <p>{describeOp(pending.op, labelOf)}.</p>
          <ErrorNote error={pending.error} />
          {!pending.outcome && !pending.error && <Loading what="the validation" />}
          {pending.outcome && (
            <div className="outcome">
              {pending.outcome.caused.length || (pending.outcome.structural ?? []).length ? (
                <div className="note warn" role="alert">
                  <strong>This edit would break:</strong>
                  <ul>
                    {(pending.outcome.structural ?? []).map((s) => <li key={s}>{s}</li>)}
                    {pending.outcome.caused.map((v) => (
                      <li key={v.constraint_id}><strong>{v.label || v.constraint_id}</strong> ({v.hard ? 'hard' : 'soft'}{v.deviation ? `, deviation ${v.deviation}` : ''}){v.detail ? `: ${v.detail}` : ''}</li>
                    ))}
                  </ul>
                </div>
              ) : <p className="note ok" role="status">This edit breaks no rule.</p>}
              {pending.outcome.resolved.length > 0 && (
                <p>It resolves: {pending.outcome.resolved.map((v) => v.label || v.constraint_id).join(', ')}.</p>
              )}
              <p className="muted">Hard violations after the edit: {pending.outcome.infeasibility}; objective {fmtNum(pending.outcome.objective)}.</p>
            </div>
          )}
          <div className="actions">
            <button type="button" onClick={() => setPending(null)}>Cancel</button>
            <button type="button" className="primary" disabled={!pending.outcome || saving} onClick={() => save([pending.op])}>
              {saving ? 'Saving…' : version.job_id ? 'Save as a new draft' : 'Save draft'}
            </button>
          </div>
        </Dialog>
      )}
      {publishing && (
        <Dialog title={`Publish version ${version.version}?`} onClose={() => setPublishing(false)}>
          <p>Publishing makes this version the season's official schedule: teams see it and their calendars follow it. It becomes read-only, and the currently published version is archived.</p>
          {(f.infeasibility ?? 0) > 0 && <p className="note warn">This version still has {f.infeasibility} hard violation(s).</p>}
          <div className="actions">
            <button type="button" onClick={() => setPublishing(false)}>Cancel</button>
            <button type="button" className="primary" onClick={publish}>Publish</button>
          </div>
        </Dialog>
      )}
    </div>
  )
}
