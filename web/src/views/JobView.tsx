import { useState } from 'react'
import { api } from '../api/client'
import type { Explanation, Job, JobIn, JobStep, ProgressSample } from '../api/types'
import { can, type Session } from '../lib/auth'
import { useInterval, useLoad } from '../lib/hooks'
import { href } from '../lib/router'
import { fmtNum } from '../lib/schedule'
import { ErrorNote, Figure, Loading, StatusBadge } from '../components/ui'
import { ProgressChart } from '../components/ProgressChart'

export interface Step {
  name: string
  status: 'done' | 'running' | 'failed' | 'pending'
  at?: string | null
  seconds?: number | null
  attempts?: number
  detail?: string | null
}

/** Workflow states shown on the timeline with their words (the others keep their name, split). */
const STATE_WORDS: Record<string, string> = {
  CreateScheduledJob: 'Create the scheduled job',
  LoadScenario: 'Load the scenario',
  CheckConstraints: 'Check the constraints',
  Explain: 'Explain the conflict',
  SelectAlgorithm: 'Select algorithm',
  PrepareRepair: 'Prepare the repair',
  SolveInLambda: 'Solve',
  SolveOnFargate: 'Solve (container)',
  CollectSolution: 'Collect the solution',
  OptimizeTravel: 'Optimize travel',
  CheckVenues: 'Check venues',
  PersistSchedule: 'Validate & save version',
  PublishScheduleGenerated: 'Announce the schedule',
  MarkFailed: 'Record the failure',
}
const STEP_STATUS: Record<JobStep['status'], Step['status']> = {
  running: 'running', succeeded: 'done', failed: 'failed', timed_out: 'failed', aborted: 'failed',
}

/** The API's execution history (`job.steps`) as timeline steps: the states that do work (Tasks)
 *  and the failure ends; routing states (Pass, Choice) and the final Succeed are left out. */
export function historySteps(steps: JobStep[]): Step[] {
  return steps
    .filter((s) => s.type === 'Task' || s.type === 'Fail')
    .map((s) => ({
      name: STATE_WORDS[s.step] ?? s.step.replace(/([a-z])([A-Z])/g, '$1 $2'),
      status: STEP_STATUS[s.status] ?? 'running',
      at: s.started_at,
      seconds: s.seconds ?? null,
      attempts: s.attempts,
      detail: s.status === 'succeeded' ? null : s.cause || s.error || null,
    }))
}

const FINAL = new Set(['succeeded', 'failed', 'cancelled'])

/**
 * The state machine's steps: the job's `steps` (the execution history, GET /v1/jobs/{id}) when
 * the API has them; otherwise (not started yet, history unreadable) derived from the job row:
 * queued, plan chosen, solving (progress), persisted.
 */
export function jobSteps(job: Job): Step[] {
  const given = historySteps(job.steps ?? [])
  if (given.length) return [{ name: 'Queued', status: 'done', at: job.created_at }, ...given]
  const final = FINAL.has(job.status)
  const failed = job.status === 'failed' || job.status === 'cancelled'
  const progress = (job.progress ?? []) as ProgressSample[]
  const planned = Object.keys(job.plan ?? {}).length > 0 || !!job.started_at
  const steps: Step[] = [
    { name: 'Queued', status: 'done', at: job.created_at },
    { name: 'Select algorithm', status: planned ? 'done' : job.status === 'running' ? 'running' : 'pending', at: job.started_at },
    {
      name: 'Solve',
      status: progress.length || final ? (final ? (failed && !job.result ? 'failed' : 'done') : 'running') : job.status === 'running' ? 'running' : 'pending',
      seconds: progress.length ? progress[progress.length - 1].t_seconds ?? null : null,
    },
    { name: 'Validate & save version', status: job.status === 'succeeded' ? 'done' : failed ? 'failed' : 'pending', at: job.finished_at },
  ]
  if (failed) {
    const firstOpen = steps.findIndex((s) => s.status !== 'done')
    steps.forEach((s, i) => { if (i > firstOpen && firstOpen >= 0) s.status = 'pending' })
    if (firstOpen >= 0) steps[firstOpen].status = 'failed'
  }
  return steps
}

export function isInfeasible(job: Job): boolean {
  const text = `${job.error_code ?? ''} ${job.error_cause ?? ''}`.toLowerCase()
  return job.status === 'failed' && /infeasib|cannot all hold/.test(text)
}

export function Timeline({ steps }: { steps: Step[] }) {
  return (
    <ol className="timeline" aria-label="Workflow steps">
      {steps.map((s, i) => (
        <li key={`${i}:${s.name}`} className={`step step-${s.status}`}>
          <span className="step-name">{s.name}</span> <span className="step-status">{s.status}</span>
          {s.at && <time className="muted small" dateTime={s.at}> {new Date(s.at).toLocaleTimeString()}</time>}
          {typeof s.seconds === 'number' && <span className="muted small"> {s.seconds.toFixed(1)} s</span>}
          {!!s.attempts && s.attempts > 1 && <span className="muted small"> ({s.attempts} attempts)</span>}
          {s.detail && <div className="small step-detail">{s.detail}</div>}
        </li>
      ))}
    </ol>
  )
}

export function ExplanationPanel({
  explanation, onApply, applying, applied,
}: { explanation: Explanation; onApply?: (r: Explanation['relaxations'][number]) => void; applying?: string | null; applied?: string[] }) {
  return (
    <section className="card" aria-labelledby="why-h">
      <h2 id="why-h">Why no schedule exists</h2>
      <p>
        {explanation.core.length
          ? `These ${explanation.core.length} requirements cannot all hold at once: ${explanation.core.map((c) => `“${c.label || c.constraint_id}”`).join(', ')}.`
          : explanation.text || 'The solver proved the constraints contradictory.'}
      </p>
      {explanation.reason && <p>{explanation.reason}</p>}
      {explanation.core.length > 0 && (
        <ul>
          {explanation.core.map((c) => (
            <li key={c.constraint_id}>
              <strong>{c.label || c.constraint_id}</strong> ({c.family}{c.hard === false ? ', soft' : ', hard'})
              {c.teams.length > 0 && <> for {c.teams.join(', ')}</>}
              {c.slots.length > 0 && <> on {c.slots.slice(0, 6).join(', ')}{c.slots.length > 6 ? '…' : ''}</>}
            </li>
          ))}
        </ul>
      )}
      <h3>Suggested relaxations</h3>
      {explanation.relaxations.length ? (
        <ul className="plain relaxations">
          {explanation.relaxations.map((r) => {
            const id = `${r.action}:${r.constraint_id}`
            const words = r.action === 'drop' ? `Drop “${r.label || r.constraint_id}”` : `Make “${r.label || r.constraint_id}” soft`
            return (
              <li key={id}>
                {words}
                {r.restores_feasibility ? ' — a schedule exists then.' : r.proven ? ' — not enough alone.' : ' — not decided in the time given.'}
                {onApply && (
                  <button type="button" disabled={!!applying || applied?.includes(id)} onClick={() => onApply(r)}
                    aria-label={`Apply: ${words}`}>
                    {applied?.includes(id) ? 'Applied' : applying === id ? 'Applying…' : 'Apply'}
                  </button>
                )}
              </li>
            )
          })}
        </ul>
      ) : <p className="muted">No single relaxation was found.</p>}
    </section>
  )
}

export function JobView({ jobId, session }: { jobId: string; session: Session }) {
  const job = useLoad(() => api.job(jobId), [jobId])
  const final = job.data ? FINAL.has(job.data.status) : false
  useInterval(job.reload, 1000, !!job.data && !final)
  const infeasible = job.data ? isInfeasible(job.data) : false
  const explanation = useLoad(
    () => (infeasible && job.data?.scenario_id ? api.explanation(job.data.scenario_id) : Promise.resolve(null)),
    [infeasible, job.data?.scenario_id],
  )
  const [applying, setApplying] = useState<string | null>(null)
  const [applied, setApplied] = useState<string[]>([])
  const [applyError, setApplyError] = useState<Error | null>(null)
  const [rerun, setRerun] = useState<Job | null>(null)

  if (job.error) return <ErrorNote error={job.error} onRetry={job.reload} />
  if (!job.data) return <Loading what="the job" />
  const j = job.data
  const progress = (j.progress ?? []) as ProgressSample[]
  const last = progress[progress.length - 1]
  const result = (j.result ?? {}) as Record<string, unknown>
  const scheduleId = typeof result.schedule_id === 'string' ? result.schedule_id : null

  const apply = async (r: Explanation['relaxations'][number]) => {
    if (!j.scenario_id) return
    const id = `${r.action}:${r.constraint_id}`
    setApplying(id)
    setApplyError(null)
    try {
      if (r.action === 'drop') await api.setConstraintEnabled(j.scenario_id, r.constraint_id, false)
      else {
        const sc = await api.scenario(j.scenario_id)
        const c = sc.constraints.find((x) => (x.constraint as { id: string }).id === r.constraint_id)
        if (!c) throw new Error(`constraint ${r.constraint_id} not found`)
        await api.putConstraint(j.scenario_id, r.constraint_id, { ...(c.constraint as object), hard: false })
      }
      setApplied((a) => [...a, id])
    } catch (e) {
      setApplyError(e as Error)
    } finally {
      setApplying(null)
    }
  }
  const solveAgain = async () => {
    try {
      const plan = (j.plan ?? {}) as Partial<JobIn>
      const next = await api.startJob(
        {
          season_id: j.season_id, scenario_id: j.scenario_id ?? null, time_limit_s: Number(plan.time_limit_s ?? 30),
          ...(plan.workers ? { workers: plan.workers } : {}),
          strategy: plan.strategy ?? 'auto',
          ...(plan.objective ? { objective: plan.objective } : {}),
        },
        `${j.id}:${applied.join(',')}`,
      )
      setRerun(next)
      window.location.hash = href('jobs', next.id)
    } catch (e) {
      setApplyError(e as Error)
    }
  }

  return (
    <div>
      <nav aria-label="Breadcrumb" className="crumbs">
        <a href="#/">Seasons</a> › <a href={href('seasons', j.season_id)}>Season</a> › <span aria-current="page">Job</span>
      </nav>
      <div className="page-head">
        <h1>Solve job <StatusBadge status={j.status} /></h1>
        <div className="actions" aria-live="polite">
          {scheduleId && <a className="button primary" href={href('schedules', scheduleId)}>Open the schedule</a>}
        </div>
      </div>
      <div className="figures" aria-live="polite" aria-atomic="true">
        <Figure label="Status" value={j.status} />
        <Figure label="Objective" value={fmtNum(last?.objective ?? (result.objective as number | undefined))} />
        <Figure label="Bound" value={fmtNum(last?.bound ?? (result.bound as number | undefined))} />
        <Figure label="Gap" value={last?.gap !== undefined ? `${(last.gap * 100).toFixed(1)}%` : typeof result.gap === 'number' ? `${(result.gap * 100).toFixed(1)}%` : '—'} />
        <Figure label="Solutions" value={progress.length} />
      </div>
      <div className="dash">
        <section className="card span2" aria-labelledby="prog-h">
          <h2 id="prog-h">Objective and bound</h2>
          <ProgressChart samples={progress} />
        </section>
        <section className="card" aria-labelledby="steps-h">
          <h2 id="steps-h">Agent steps</h2>
          <Timeline steps={jobSteps(j)} />
        </section>
      </div>
      {j.status === 'failed' && (
        <div className="note error" role="alert">
          <strong>The job failed{j.error_code ? ` (${j.error_code})` : ''}.</strong> {j.error_cause}
        </div>
      )}
      {infeasible && explanation.loading && <Loading what="the explanation" />}
      <ErrorNote error={explanation.error ?? applyError} />
      {explanation.data && (
        <ExplanationPanel explanation={explanation.data} onApply={can(session, 'edit') ? apply : undefined} applying={applying} applied={applied} />
      )}
      {applied.length > 0 && !rerun && (
        <button type="button" className="primary" onClick={solveAgain}>Solve again with the relaxation</button>
      )}
    </div>
  )
}
