// Pure schedule computations for the views (grid, matrix, team list, violations, travel).
import type { Game, StoredConstraint, Team, Venue, Violation } from '../api/types'

export interface SlotInfo {
  index: number
  date: string | null
  label: string
}

export const gameKey = (g: { home: string; away: string; slot: number }): string => `${g.home}|${g.away}|${g.slot}`

const WEEKDAY = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

export function slotLabel(index: number, date: string | null | undefined): string {
  if (!date) return `R${index + 1}`
  const d = new Date(date + 'T12:00:00Z')
  return `${WEEKDAY[d.getUTCDay()]} ${date.slice(5)}`
}

/** The season's slots: the scenario's calendar when known, else the slots games use. */
export function seasonSlots(games: Game[], calendar?: { index: number; date?: string | null; label?: string | null }[]): SlotInfo[] {
  const bySlot = new Map<number, SlotInfo>()
  for (const s of calendar ?? []) bySlot.set(s.index, { index: s.index, date: s.date ?? null, label: s.label || slotLabel(s.index, s.date) })
  for (const g of games)
    if (!bySlot.has(g.slot)) bySlot.set(g.slot, { index: g.slot, date: g.day ?? null, label: slotLabel(g.slot, g.day) })
  return [...bySlot.values()].sort((a, b) => a.index - b.index)
}

export interface Cell {
  game: Game
  home: boolean
  opponent: string
}

/** team -> slot -> the team's games in that slot (usually one). */
export function gridCells(games: Game[]): Map<string, Map<number, Cell[]>> {
  const grid = new Map<string, Map<number, Cell[]>>()
  const put = (team: string, slot: number, cell: Cell) => {
    let row = grid.get(team)
    if (!row) grid.set(team, (row = new Map()))
    const list = row.get(slot)
    if (list) list.push(cell)
    else row.set(slot, [cell])
  }
  for (const g of games) {
    put(g.home, g.slot, { game: g, home: true, opponent: g.away })
    put(g.away, g.slot, { game: g, home: false, opponent: g.home })
  }
  return grid
}

/** home -> away -> the slots they meet in (home x away matrix). */
export function matchupMatrix(games: Game[]): Map<string, Map<string, Game[]>> {
  const m = new Map<string, Map<string, Game[]>>()
  for (const g of games) {
    let row = m.get(g.home)
    if (!row) m.set(g.home, (row = new Map()))
    row.set(g.away, [...(row.get(g.away) ?? []), g])
  }
  return m
}

const R = 6371
export function haversineKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180
  const dLat = (b.lat - a.lat) * rad
  const dLon = (b.lon - a.lon) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2
  return 2 * R * Math.asin(Math.sqrt(h))
}

export interface TeamRow {
  game: Game
  slot: number
  date: string | null
  opponent: string
  home: boolean
  venue: string
  restDays: number | null
  trip: number | null // road trip number (consecutive away games)
  tripKm: number | null // on the first game of a trip: the trip's whole distance (home -> ... -> home)
}

/** The team's games in order with opponents, venues, rest days and travel per road trip. */
export function teamRows(team: string, games: Game[], teams: Team[], venues: Venue[]): TeamRow[] {
  const venueById = new Map(venues.map((v) => [v.id, v]))
  const teamById = new Map(teams.map((t) => [t.id, t]))
  const venueOf = (g: Game): Venue | undefined => venueById.get(g.venue ?? teamById.get(g.home)?.venue ?? '')
  const own = games.filter((g) => g.home === team || g.away === team).sort((a, b) => a.slot - b.slot)
  const homeVenue = venueById.get(teamById.get(team)?.venue ?? '')
  const rows: TeamRow[] = []
  let prevDate: string | null = null
  let trip = 0
  for (let i = 0; i < own.length; i++) {
    const g = own[i]
    const home = g.home === team
    const v = venueOf(g)
    const rest = prevDate && g.day ? Math.round((Date.parse(g.day) - Date.parse(prevDate)) / 86400000) - 1 : null
    prevDate = g.day ?? prevDate
    let tripNo: number | null = null
    let km: number | null = null
    if (!home) {
      const startsTrip = i === 0 || own[i - 1].home === team
      if (startsTrip) {
        trip += 1
        // the whole trip: home -> each away venue -> home
        if (homeVenue) {
          let at: Venue = homeVenue
          let total = 0
          for (let j = i; j < own.length && own[j].home !== team; j++) {
            const next = venueOf(own[j])
            if (next) { total += haversineKm(at, next); at = next }
          }
          total += haversineKm(at, homeVenue)
          km = Math.round(total)
        }
      }
      tripNo = trip
    }
    rows.push({
      game: g, slot: g.slot, date: g.day ?? null, opponent: home ? g.away : g.home, home,
      venue: v?.name ?? g.venue ?? '', restDays: rest, trip: tripNo, tripKm: km,
    })
  }
  return rows
}

export interface Mark {
  constraintId: string
  label: string
  hard: boolean
  detail: string
}

type AnyConstraint = Record<string, unknown>

function constraintScope(c: AnyConstraint | undefined): { teams: Set<string> | null; slots: Set<number> | null } {
  if (!c) return { teams: null, slots: null }
  const teams = new Set<string>()
  for (const k of ['teams', 'teams1', 'teams2']) {
    const v = c[k]
    if (Array.isArray(v)) for (const t of v) teams.add(String(t))
  }
  for (const k of ['team', 'team_a', 'team_b', 'home', 'away']) if (typeof c[k] === 'string') teams.add(c[k] as string)
  if (Array.isArray(c.meetings)) for (const m of c.meetings as unknown[]) if (Array.isArray(m)) m.forEach((t) => teams.add(String(t)))
  const slots = Array.isArray(c.slots) && c.slots.length ? new Set((c.slots as unknown[]).map(Number)) : typeof c.slot === 'number' ? new Set([c.slot as number]) : null
  return { teams: teams.size ? teams : null, slots }
}

/**
 * The slots a validator detail names: "slot 3 (2026-09-19)", "slots 3 (…),5 (…)", "slots 2-4" and
 * games as "HOME-AWAY@slot". Null when it names none.
 */
export function detailSlots(detail: string): Set<number> | null {
  const found = new Set<number>()
  for (const m of detail.matchAll(/\bslots?\s+((?:\d+(?:\s*\([^)]*\))?(?:\s*-\s*\d+)?(?:\s*\(\d+\))?\s*,?\s*)+)/gi)) {
    for (const part of m[1].replace(/\([^)]*\)/g, '').split(',')) {
      const range = part.trim().match(/^(\d+)(?:\s*-\s*(\d+))?$/)
      if (!range) continue
      const lo = Number(range[1]), hi = range[2] !== undefined ? Number(range[2]) : lo
      for (let i = lo; i <= Math.min(hi, lo + 400); i++) found.add(i)
    }
  }
  for (const m of detail.matchAll(/\b[\w.-]+-[\w.]+@(\d+)\b/g)) found.add(Number(m[1]))
  return found.size ? found : null
}

/**
 * Where violations show on the grid: "team|slot" -> marks. A violation marks the cells of the
 * teams and slots its constraint names, narrowed to the teams and dates its detail mentions.
 * `focus` games (e.g. the game being moved) are always marked.
 */
export function violationMarks(
  violations: Violation[], constraints: StoredConstraint[], games: Game[], teamIds: string[], focus: Game[] = [],
): Map<string, Mark[]> {
  const byId = new Map(constraints.map((s) => [(s.constraint as AnyConstraint).id as string, s.constraint as AnyConstraint]))
  const marks = new Map<string, Mark[]>()
  const add = (team: string, slot: number, m: Mark) => {
    const k = `${team}|${slot}`
    const list = marks.get(k) ?? []
    if (!list.some((x) => x.constraintId === m.constraintId)) list.push(m)
    marks.set(k, list)
  }
  for (const v of violations) {
    const m: Mark = { constraintId: v.constraint_id, label: v.label || v.constraint_id, hard: v.hard, detail: v.detail ?? '' }
    const scope = constraintScope(byId.get(v.constraint_id))
    const mentioned = new Set(teamIds.filter((t) => new RegExp(`\\b${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(v.detail ?? '')))
    const teams = mentioned.size ? mentioned : scope.teams
    const slots = detailSlots(v.detail ?? '') ?? scope.slots
    let hit = false
    // nothing names teams or slots (e.g. a viewer, who does not read the scenario's constraints):
    // the violation stays in the figures instead of outlining every game
    if (!teams && !slots) { for (const g of focus) { add(g.home, g.slot, m); add(g.away, g.slot, m) } continue }
    for (const g of games) {
      if (slots && !slots.has(g.slot)) continue
      for (const t of [g.home, g.away]) if (!teams || teams.has(t)) { add(t, g.slot, m); hit = true }
    }
    for (const g of focus) { add(g.home, g.slot, m); add(g.away, g.slot, m); hit = true }
    if (!hit && teams) for (const t of teams) add(t, -1, m) // row-level: shown on the team's header
  }
  return marks
}

export function fmtNum(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—'
  return n.toLocaleString('en-US', { maximumFractionDigits: digits })
}
