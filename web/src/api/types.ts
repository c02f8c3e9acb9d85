// Shapes of the FlexTime API, generated from /v1/openapi.json (npm run gen:api).
import type { components } from './schema'

type S = components['schemas']
export type Sport = S['Sport']
export type Season = S['Season']
export type Team = S['Team']
export type Venue = S['VenueOut']
export type Scenario = S['Scenario']
export type ScenarioOut = S['ScenarioOut']
export type StoredConstraint = S['StoredConstraint']
export type Job = S['JobOut']
export type JobStep = S['JobStep']
export type JobIn = S['JobIn']
export type Version = S['VersionOut']
export type ScheduleOut = S['ScheduleOut']
export type Game = S['ScheduledGame']
export type EditOutcome = S['EditOutcome']
export type SavedEdits = S['SavedEdits']
export type Violation = S['Violation']
export type DiffOut = S['DiffOut']
export type GameChange = S['GameChangeOut']
export type Thread = S['CommentThread']
export type Comment = S['Comment']
export type Notification = S['Notification']
export type Problem = S['Problem']
export type MoveOp = S['MoveOp']
export type SwapOp = S['SwapOp']
export type LockOp = S['LockOp']
export type EditOp = MoveOp | SwapOp | LockOp
export type GameRef = S['GameRef']
export type Page<T> = { items: T[]; total: number; limit: number; offset: number; next_offset?: number | null }

/** The season's quality figures, as the workflow stores them in VersionOut.objective. */
export interface Figures {
  objective?: number
  infeasibility?: number
  travel_total?: number
  bound?: number
  gap?: number
  breaks?: number
}

/** One progress sample in Job.progress (the solver's improving solutions). */
export interface ProgressSample {
  t_seconds?: number
  objective?: number
  bound?: number
  gap?: number
  state?: string
  step?: string
  at?: string
}

/** engine.explain.Explanation (GET /v1/scenarios/{id}/explanation). */
export interface Explanation {
  feasible: boolean
  status: 'feasible' | 'infeasible' | 'unknown'
  source?: string
  core: { constraint_id: string; label: string; hard?: boolean; family: string; teams: string[]; slots: string[] }[]
  text: string
  reason: string
  relaxations: {
    constraint_id: string
    label: string
    action: 'drop' | 'soften'
    restores_feasibility: boolean
    proven?: boolean
    min_violation?: number | null
  }[]
}

/** Full validation of a stored version (GET /v1/schedules/{id}/validation). */
export type ValidationReport = S['ValidationOut']
