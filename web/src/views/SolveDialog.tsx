import { useState } from 'react'
import { api } from '../api/client'
import type { Job, JobIn, Scenario } from '../api/types'
import { Dialog, ErrorNote } from '../components/ui'

export const PRESETS = {
  quick: { label: 'Quick look (30 s)', time_limit_s: 30, workers: 2 },
  balanced: { label: 'Balanced (2 min)', time_limit_s: 120, workers: 4 },
  thorough: { label: 'Thorough (10 min)', time_limit_s: 600, workers: 8 },
} as const
export type Preset = keyof typeof PRESETS

/** The engine's search strategies (JobIn.strategy; `auto`: the engine selects from the instance). */
export type Strategy = NonNullable<JobIn['strategy']>
export const STRATEGIES: Record<Strategy, string> = {
  auto: 'Automatic (the engine chooses from the instance)',
  portfolio: 'CP-SAT portfolio (small models, proves the bound)',
  hard_first: 'Hard constraints first, then improve',
  lns: 'Large-neighbourhood search',
  patterns: 'Home/away patterns first (compact double round robins)',
}

export type SolveRequest = JobIn

/** The job request: the preset sets time limit and workers; strategy and objective weights go
 *  to the job (SelectAlgorithm's plan and the input snapshot's objective). */
export function solveRequest(
  seasonId: string, scenarioId: string | null, preset: Preset, timeLimit: number, travelWeight: number, soft: boolean,
  strategy: Strategy = 'auto',
): SolveRequest {
  return {
    season_id: seasonId,
    scenario_id: scenarioId,
    time_limit_s: timeLimit,
    workers: PRESETS[preset].workers,
    strategy,
    objective: { travel_weight: Math.round(travelWeight), soft_constraints: soft },
  }
}

export function SolveDialog({
  seasonId, scenarios, onClose, onStarted,
}: { seasonId: string; scenarios: Scenario[]; onClose: () => void; onStarted: (job: Job) => void }) {
  const first = scenarios[0]
  const objective = (first?.objective ?? {}) as { travel_weight?: number; soft_constraints?: boolean }
  const [scenarioId, setScenarioId] = useState(first?.id ?? '')
  const [preset, setPreset] = useState<Preset>('quick')
  const [timeLimit, setTimeLimit] = useState<number>(PRESETS.quick.time_limit_s)
  const [travelWeight, setTravelWeight] = useState<number>(objective.travel_weight ?? 1)
  const [soft, setSoft] = useState<boolean>(objective.soft_constraints ?? true)
  const [strategy, setStrategy] = useState<Strategy>('auto')
  const [error, setError] = useState<Error | null>(null)
  const [busy, setBusy] = useState(false)
  // one key per dialog: a double submit or a retry names the same job
  const [key] = useState(() => (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2)))

  const submit = async (e: React.FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const job = await api.startJob(solveRequest(seasonId, scenarioId || null, preset, timeLimit, travelWeight, soft, strategy), key)
      onStarted(job)
    } catch (err) {
      setError(err as Error)
      setBusy(false)
    }
  }
  return (
    <Dialog title="Run a solve" onClose={onClose}>
      <form onSubmit={submit} className="stack">
        <ErrorNote error={error} />
        <label>
          Scenario
          <select value={scenarioId} onChange={(e) => setScenarioId(e.target.value)}>
            {scenarios.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
          </select>
        </label>
        <fieldset>
          <legend>Strategy preset</legend>
          {(Object.keys(PRESETS) as Preset[]).map((p) => (
            <label key={p} className="inline">
              <input
                type="radio" name="preset" value={p} checked={preset === p}
                onChange={() => { setPreset(p); setTimeLimit(PRESETS[p].time_limit_s) }}
              />
              {PRESETS[p].label}
            </label>
          ))}
        </fieldset>
        <label>
          Search strategy
          <select value={strategy} onChange={(e) => setStrategy(e.target.value as Strategy)}>
            {(Object.keys(STRATEGIES) as Strategy[]).map((k) => <option key={k} value={k}>{STRATEGIES[k]}</option>)}
          </select>
        </label>
        <label>
          Time limit (seconds)
          <input type="number" min={1} max={3600} step={1} required value={timeLimit}
            onChange={(e) => setTimeLimit(Number(e.target.value))} />
        </label>
        <fieldset>
          <legend>Objective weights</legend>
          <label>
            Travel weight
            <input type="number" min={0} max={1000} step={1} value={travelWeight}
              onChange={(e) => setTravelWeight(Number(e.target.value))} />
          </label>
          <label className="inline">
            <input type="checkbox" checked={soft} onChange={(e) => setSoft(e.target.checked)} />
            Count soft constraint penalties
          </label>
        </fieldset>
        <div className="actions">
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={busy || !scenarioId}>
            {busy ? 'Starting…' : 'Start solve'}
          </button>
        </div>
      </form>
    </Dialog>
  )
}
