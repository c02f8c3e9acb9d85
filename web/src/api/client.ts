// A small fetch client: bearer token, problem+json errors, ETags.
import type {
  DiffOut, EditOp, EditOutcome, Explanation, Job, JobIn, Notification, Page, SavedEdits, ScenarioOut,
  ScheduleOut, Scenario, Season, Sport, Team, Thread, Comment, ValidationReport, Venue, Version,
} from './types'

export class ApiError extends Error {
  status: number
  title: string
  detail: string
  constructor(status: number, title: string, detail: string) {
    super(detail || title || `HTTP ${status}`)
    this.status = status
    this.title = title
    this.detail = detail
  }
  /** A stale If-Match: someone else changed the resource first. */
  get isConflict(): boolean {
    return this.status === 412 || this.status === 409
  }
}

type TokenSource = () => string | null
let tokenSource: TokenSource = () => null
let onUnauthorized: () => void = () => {}
export function configureClient(source: TokenSource, unauthorized: () => void): void {
  tokenSource = source
  onUnauthorized = unauthorized
}

export interface RequestOptions {
  method?: string
  body?: unknown
  headers?: Record<string, string>
  raw?: boolean
  blob?: boolean
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers }
  const token = tokenSource()
  if (token) headers.Authorization = `Bearer ${token}`
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch(path, {
    method: opts.method ?? (opts.body !== undefined ? 'POST' : 'GET'),
    headers,
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  })
  if (!res.ok) {
    let title = res.statusText
    let detail = ''
    try {
      const p = await res.json()
      title = p.title ?? title
      detail = typeof p.detail === 'string' ? p.detail : JSON.stringify(p.detail ?? '')
    } catch {
      /* not JSON */
    }
    if (res.status === 401) onUnauthorized()
    throw new ApiError(res.status, title, detail)
  }
  if (opts.raw) return (await res.text()) as T
  if (opts.blob) return (await res.blob()) as T
  if (res.status === 204) return undefined as T
  return (await res.json()) as T
}

const q = (params: Record<string, string | number | boolean | undefined | null>): string => {
  const s = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) s.set(k, String(v))
  const t = s.toString()
  return t ? `?${t}` : ''
}

export const api = {
  health: () => request<{ status: string }>('/v1/health'),
  devInfo: () => request<{ enabled: boolean; tenants: string[]; roles: string[] }>('/v1/dev/sign-in'),
  devToken: (role: string, tenant = 'big12') =>
    request<{ token: string; role: string; tenant: string }>('/v1/dev/token', { body: { role, tenant } }),
  sports: () => request<Page<Sport>>('/v1/sports?limit=500'),
  seasons: (sportId?: string) => request<Page<Season>>(`/v1/seasons${q({ sport_id: sportId, limit: 500 })}`),
  season: (id: string) => request<Season>(`/v1/seasons/${id}`),
  teams: (seasonId: string) => request<Page<Team>>(`/v1/seasons/${seasonId}/teams?limit=500`),
  venues: () => request<Page<Venue>>('/v1/venues?limit=500'),
  venueCalendar: (venueId: string) =>
    request<Page<{ id: string; day: string; holder: string; note: string }>>(`/v1/venues/${venueId}/calendar?limit=500`),
  scenarios: (seasonId: string) => request<Page<Scenario>>(`/v1/scenarios${q({ season_id: seasonId, limit: 500 })}`),
  scenario: (id: string) => request<ScenarioOut>(`/v1/scenarios/${id}`),
  explanation: (scenarioId: string, budget = 5) =>
    request<Explanation>(`/v1/scenarios/${scenarioId}/explanation${q({ time_budget_s: budget })}`),
  setConstraintEnabled: (scenarioId: string, cid: string, enabled: boolean) =>
    request<void>(`/v1/scenarios/${scenarioId}/constraints/${encodeURIComponent(cid)}`, {
      method: 'PATCH',
      body: { enabled },
    }),
  putConstraint: (scenarioId: string, cid: string, body: unknown) =>
    request<unknown>(`/v1/scenarios/${scenarioId}/constraints/${encodeURIComponent(cid)}`, { method: 'PUT', body }),
  startJob: (body: JobIn & object, key: string) =>
    request<Job>('/v1/jobs', { body, headers: { 'Idempotency-Key': key } }),
  jobs: (seasonId?: string, limit = 10) => request<Page<Job>>(`/v1/jobs${q({ season_id: seasonId, limit })}`),
  job: (id: string) => request<Job>(`/v1/jobs/${id}`),
  versions: (seasonId: string) => request<Page<Version>>(`/v1/seasons/${seasonId}/schedules?limit=500`),
  schedule: (id: string) => request<ScheduleOut>(`/v1/schedules/${id}`),
  validation: (id: string) => request<ValidationReport>(`/v1/schedules/${id}/validation`),
  diff: (id: string, against: string) => request<DiffOut>(`/v1/schedules/${id}/diff${q({ against })}`),
  preview: (id: string, ops: EditOp[]) => request<EditOutcome>(`/v1/schedules/${id}/edits/preview`, { body: { ops } }),
  saveEdits: (id: string, etag: string, ops: EditOp[], note = '') =>
    request<SavedEdits>(`/v1/schedules/${id}/edits`, { body: { ops, note }, headers: { 'If-Match': etag } }),
  derive: (id: string) => request<Version>(`/v1/schedules/${id}/drafts`, { method: 'POST' }),
  publish: (id: string, etag: string) =>
    request<Version>(`/v1/schedules/${id}/publish`, { method: 'POST', headers: { 'If-Match': etag } }),
  archive: (id: string, etag: string) =>
    request<Version>(`/v1/schedules/${id}/archive`, { method: 'POST', headers: { 'If-Match': etag } }),
  generateReport: (id: string) =>
    request<{ schedule_id: string; version: number; files: Record<string, string> }>(`/v1/schedules/${id}/report`, { method: 'POST' }),
  /** A report file: the API redirects to the store's link, or (served locally) to its own
   *  /v1/artifacts/... route, which the same-origin redirect reaches with the bearer token. */
  reportFile: (id: string, name: string) =>
    request<Blob>(`/v1/schedules/${id}/report/${name}`, { blob: true, headers: { Accept: '*/*' } }),
  exportText: (id: string, format: 'csv' | 'robinx' | 'ics', team?: string) =>
    request<string>(`/v1/schedules/${id}/export${q({ format, team })}`, { raw: true, headers: { Accept: '*/*' } }),
  threads: (entityType: string, entityId: string) =>
    request<Page<Thread>>(`/v1/threads${q({ entity_type: entityType, entity_id: entityId, limit: 100 })}`),
  startThread: (entityType: string, entityId: string, title: string) =>
    request<Thread>('/v1/threads', { body: { entity_type: entityType, entity_id: entityId, title } }),
  comments: (threadId: string) => request<Page<Comment>>(`/v1/threads/${threadId}/comments?limit=500`),
  addComment: (threadId: string, body: string) =>
    request<Comment>(`/v1/threads/${threadId}/comments`, { body: { body, mentions: [] } }),
  notifications: () => request<Page<Notification>>('/v1/notifications?limit=20'),
  markRead: (ids: string[]) => request<{ marked: number }>('/v1/notifications/read', { body: { ids } }),
}
