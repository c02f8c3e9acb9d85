// Typed fixtures shaped like the API's responses (src/api/schema.d.ts).
import type { Game, Job, ScheduleOut, StoredConstraint, Team, Venue, Version } from '../src/api/types'

export const TEAMS: Team[] = ['AAA', 'BBB', 'CCC', 'DDD'].map((id) => ({ id, name: `${id} University`, short_name: id, venue: `${id}-v`, timezone: null }))
export const VENUES: Venue[] = [
  { id: 'AAA-v', name: 'A Stadium', city: 'A', lat: 40, lon: -100, timezone: 'UTC', capacity: 1, row_id: 'r1', school_id: null },
  { id: 'BBB-v', name: 'B Stadium', city: 'B', lat: 41, lon: -100, timezone: 'UTC', capacity: 1, row_id: 'r2', school_id: null },
  { id: 'CCC-v', name: 'C Stadium', city: 'C', lat: 42, lon: -100, timezone: 'UTC', capacity: 1, row_id: 'r3', school_id: null },
  { id: 'DDD-v', name: 'D Stadium', city: 'D', lat: 40, lon: -101, timezone: 'UTC', capacity: 1, row_id: 'r4', school_id: null },
]
const g = (home: string, away: string, slot: number, day: string, locked = false): Game => ({ home, away, slot, day, venue: `${home}-v`, locked, tv: null })
export const GAMES: Game[] = [
  g('AAA', 'BBB', 0, '2026-09-05'), g('CCC', 'DDD', 0, '2026-09-05'),
  g('CCC', 'AAA', 1, '2026-09-12'), g('DDD', 'BBB', 1, '2026-09-12'),
  g('DDD', 'AAA', 2, '2026-09-19', true), g('BBB', 'CCC', 2, '2026-09-19'),
]
export const CALENDAR = [0, 1, 2, 3].map((i) => ({ index: i, date: `2026-09-${String(5 + 7 * i).padStart(2, '0')}`, label: `Week ${i + 1}` }))

export const version = (over: Partial<Version> = {}): Version => ({
  id: 'v1', season_id: 's1', version: 1, status: 'draft', parent_id: null, scenario_id: 'sc1', job_id: null,
  objective: { objective: 12, infeasibility: 0, travel_total: 3456, bound: 10, gap: 0.1 }, note: '', row_version: 1,
  created_at: '2026-01-01T00:00:00Z', published_at: null, etag: '"v1.1"', ...over,
})
export const schedule = (over: Partial<Version> = {}): ScheduleOut => ({ version: version(over), games: GAMES })

export const CONSTRAINTS: StoredConstraint[] = [
  { scenario_id: 'sc1', enabled: true, constraint: { id: 'CA1-1', label: 'AAA not home in week 1', hard: true, weight: 1, type: 'CA1', teams: ['AAA'], slots: [0], mode: 'H', min: 0, max: 0 } },
] as unknown as StoredConstraint[]

export const job = (over: Partial<Job> = {}): Job => ({
  tenant_id: 't', id: 'j1', season_id: 's1', scenario_id: 'sc1', kind: 'solve', status: 'running', execution_id: null,
  plan: { time_limit_s: 10 }, progress: [{ t_seconds: 1, objective: 50, bound: 0 }, { t_seconds: 3, objective: 20, bound: 5 }],
  result: null, error_code: null, error_cause: null, created_at: '2026-01-01T00:00:00Z', started_at: '2026-01-01T00:00:01Z', finished_at: null,
  ...over,
})

/** A fetch stub: routes "METHOD /path" (prefix match, first wins) to a response. */
export type Route = [string, (req: { url: string; init: RequestInit; body: unknown }) => { status?: number; body?: unknown; text?: string }]
export function mockFetch(routes: Route[]) {
  const calls: { method: string; url: string; body: unknown; headers: Record<string, string> }[] = []
  const fn = async (url: string, init: RequestInit = {}) => {
    const method = (init.method ?? 'GET').toUpperCase()
    const body = init.body ? JSON.parse(String(init.body)) : undefined
    calls.push({ method, url, body, headers: (init.headers ?? {}) as Record<string, string> })
    const hit = routes.find(([k]) => { const [m, p] = k.split(' '); return m === method && url.startsWith(p) })
    if (!hit) return new Response(JSON.stringify({ title: 'Not Found', status: 404, detail: `no route ${method} ${url}` }), { status: 404 })
    const r = hit[1]({ url, init, body })
    const status = r.status ?? 200
    if (r.text !== undefined) return new Response(r.text, { status })
    return new Response(status === 204 ? null : JSON.stringify(r.body ?? {}), { status, headers: { 'Content-Type': 'application/json' } })
  }
  globalThis.fetch = fn as unknown as typeof fetch
  return calls
}

export const page = <T,>(items: T[]) => ({ items, total: items.length, limit: 50, offset: 0, next_offset: null })

/** A JWT with the given claims (unsigned: the SPA only reads claims). */
export function fakeToken(claims: Record<string, unknown>): string {
  const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
  return `${b64({ alg: 'RS256' })}.${b64(claims)}.sig`
}
