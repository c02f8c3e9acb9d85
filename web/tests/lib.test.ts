import { describe, expect, it } from 'vitest'
import { can, parseToken, primaryRole } from '../src/lib/auth'
import { parseHash } from '../src/lib/router'
import { detailSlots, gridCells, haversineKm, matchupMatrix, seasonSlots, teamRows, violationMarks } from '../src/lib/schedule'
import { applyOp, describeOp } from '../src/views/ScheduleView'
import { mentionParts } from '../src/components/Comments'
import { jobSteps, isInfeasible } from '../src/views/JobView'
import { solveRequest } from '../src/views/SolveDialog'
import { CALENDAR, CONSTRAINTS, GAMES, TEAMS, VENUES, fakeToken, job } from './fixtures'
import type { JobStep } from '../src/api/types'

describe('auth', () => {
  it('reads roles, tenant and expiry from a Cognito-shaped token', () => {
    const s = parseToken(fakeToken({ sub: 'u1', 'custom:tenant_id': 't1', 'cognito:groups': ['scheduler'], exp: 2000000000 }))!
    expect(s.roles).toEqual(['scheduler'])
    expect(s.tenantId).toBe('t1')
    expect(s.expiresAt).toBe(2000000000000)
    expect(primaryRole(s)).toBe('scheduler')
    expect(can(s, 'edit')).toBe(true)
  })
  it('keeps viewers and school staff read-only', () => {
    const viewer = parseToken(fakeToken({ sub: 'u', 'cognito:groups': ['viewer'] }))
    const staff = parseToken(fakeToken({ sub: 'u', 'cognito:groups': 'school_staff' }))
    expect(can(viewer, 'edit')).toBe(false)
    expect(can(viewer, 'comment')).toBe(false)
    expect(can(staff, 'edit')).toBe(false)
    expect(can(staff, 'comment')).toBe(true)
  })
  it('rejects what is not a JWT', () => {
    expect(parseToken('nope')).toBeNull()
    expect(parseToken('a.b.c')).toBeNull()
  })
})

describe('router', () => {
  it('parses path and query from the hash', () => {
    const r = parseHash('#/seasons/abc/compare?a=1&b=2')
    expect(r.path).toEqual(['seasons', 'abc', 'compare'])
    expect(r.query.get('b')).toBe('2')
  })
})

describe('schedule computations', () => {
  it('lays games on teams x slots with home/away', () => {
    const grid = gridCells(GAMES)
    expect(grid.get('AAA')!.get(0)![0]).toMatchObject({ home: true, opponent: 'BBB' })
    expect(grid.get('BBB')!.get(0)![0]).toMatchObject({ home: false, opponent: 'AAA' })
    expect(grid.get('AAA')!.get(3)).toBeUndefined()
  })
  it('takes slots from the calendar, including empty ones', () => {
    const slots = seasonSlots(GAMES, CALENDAR)
    expect(slots.map((s) => s.label)).toEqual(['Week 1', 'Week 2', 'Week 3', 'Week 4'])
  })
  it('builds the home x away matrix', () => {
    expect(matchupMatrix(GAMES).get('CCC')!.get('AAA')![0].slot).toBe(1)
  })
  it('computes rest days and travel per road trip', () => {
    const rows = teamRows('AAA', GAMES, TEAMS, VENUES)
    expect(rows.map((r) => [r.opponent, r.home, r.restDays])).toEqual([['BBB', true, null], ['CCC', false, 6], ['DDD', false, 6]])
    // one trip: A -> C -> D -> A
    const expected = haversineKm(VENUES[0], VENUES[2]) + haversineKm(VENUES[2], VENUES[3]) + haversineKm(VENUES[3], VENUES[0])
    expect(rows[1].trip).toBe(1)
    expect(rows[1].tripKm).toBe(Math.round(expected))
    expect(rows[2].tripKm).toBeNull()
  })
  it('marks violated constraints on the cells of the teams and slots they name', () => {
    const marks = violationMarks(
      [{ constraint_id: 'CA1-1', type: 'CA1', label: 'AAA not home in week 1', hard: true, deviation: 1, cost: 0, detail: '' }],
      CONSTRAINTS, GAMES, TEAMS.map((t) => t.id))
    expect(marks.get('AAA|0')?.[0].label).toBe('AAA not home in week 1')
    expect(marks.has('AAA|1')).toBe(false)
    expect(marks.has('CCC|0')).toBe(false)
  })
  it('narrows marks to the slots a violation detail names', () => {
    const marks = violationMarks(
      [{ constraint_id: 'GA', type: 'GamesPerSlot', label: 'One game', hard: true, deviation: 1, cost: 0, detail: 'slot 1 (2026-09-12) has 2 games' }],
      [], GAMES, TEAMS.map((t) => t.id))
    expect([...marks.keys()].sort()).toEqual(['AAA|1', 'BBB|1', 'CCC|1', 'DDD|1'])
  })
  it('reads the slots of the validator details (lists, ranges, HOME-AWAY@slot)', () => {
    expect([...detailSlots('team AAA plays 2 home games in the listed slots (slots 0 (2026-09-05),2 (2026-09-19)), max 1')!]).toEqual([0, 2])
    expect([...detailSlots('team AAA: games per 2 slots max 1, exceeded in slots 1-2 (2)')!]).toEqual([1, 2])
    expect([...detailSlots('team AAA plays 2 games against the listed teams (AAA-BBB@0, CCC-AAA@1), max 1')!]).toEqual([0, 1])
    expect(detailSlots('the season has 3 rounds')).toBeNull()
  })
  it('does not outline every game when a violation names neither teams nor slots', () => {
    const marks = violationMarks(
      [{ constraint_id: 'X', type: 'SE1', label: 'Separation', hard: false, deviation: 1, cost: 1, detail: 'two meetings too close' }],
      [], GAMES, TEAMS.map((t) => t.id))
    expect(marks.size).toBe(0)
  })
})

describe('edits', () => {
  it('applies move, swap and lock for the preview', () => {
    const moved = applyOp(GAMES, { op: 'move', home: 'AAA', away: 'BBB', slot: 0, to_slot: 3 })
    expect(moved.find((g) => g.home === 'AAA' && g.away === 'BBB')!.slot).toBe(3)
    const swapped = applyOp(GAMES, { op: 'swap', first: { home: 'AAA', away: 'BBB', slot: 0 }, second: { home: 'CCC', away: 'AAA', slot: 1 } })
    expect(swapped.find((g) => g.home === 'CCC' && g.away === 'AAA')!.slot).toBe(0)
    const locked = applyOp(GAMES, { op: 'lock', home: 'AAA', away: 'BBB', slot: 0 })
    expect(locked[0].locked).toBe(true)
    expect(describeOp({ op: 'move', home: 'AAA', away: 'BBB', slot: 0, to_slot: 3 }, (s) => `W${s + 1}`)).toBe('Move BBB at AAA from W1 to W4')
  })
})

describe('jobs', () => {
  it('derives the agent steps from the job row', () => {
    expect(jobSteps(job()).map((s) => s.status)).toEqual(['done', 'done', 'running', 'pending'])
    expect(jobSteps(job({ status: 'succeeded', finished_at: '2026-01-01T00:00:09Z', result: {} })).every((s) => s.status === 'done')).toBe(true)
    const failed = jobSteps(job({ status: 'failed', progress: [], plan: {}, started_at: null, error_code: 'InstanceInfeasible' }))
    expect(failed.map((s) => s.status)).toEqual(['done', 'failed', 'pending', 'pending'])
  })
  it('prefers the execution history when the API sends it (GET /v1/jobs/{id} steps)', () => {
    const at = '2026-01-01T00:00:02Z'
    const h = (step: string, type: string, status: JobStep['status'], extra: Partial<JobStep> = {}): JobStep =>
      ({ step, type, status, started_at: at, ended_at: at, seconds: 0.5, attempts: type === 'Task' ? 1 : 0, error: null, cause: null, ...extra })
    const steps = jobSteps(job({ status: 'failed', steps: [
      h('RecordExecution', 'Pass', 'succeeded'), h('LoadScenario', 'Task', 'succeeded'),
      h('SelectAlgorithm', 'Task', 'succeeded', { attempts: 2 }), h('ChooseCompute', 'Choice', 'succeeded'),
      h('SolveInLambda', 'Task', 'failed', { error: 'NoScheduleFound', cause: 'no schedule within 5 s' }),
      h('MarkFailed', 'Task', 'succeeded'), h('JobFailed', 'Fail', 'failed', { ended_at: null, seconds: null }),
    ] }))
    expect(steps.map((s) => [s.name, s.status])).toEqual([
      ['Queued', 'done'], ['Load the scenario', 'done'], ['Select algorithm', 'done'], ['Solve', 'failed'],
      ['Record the failure', 'done'], ['Job Failed', 'failed'],
    ])
    expect(steps[2].attempts).toBe(2)
    expect(steps[3].detail).toBe('no schedule within 5 s')
    // before the execution exists (steps []) or when the history is unreadable (null): from the job row
    expect(jobSteps(job({ steps: [] })).map((s) => s.name)).toEqual(['Queued', 'Select algorithm', 'Solve', 'Validate & save version'])
    expect(jobSteps(job({ steps: null })).length).toBe(4)
  })
  it('recognises infeasibility', () => {
    expect(isInfeasible(job({ status: 'failed', error_code: 'InstanceInfeasible' }))).toBe(true)
    expect(isInfeasible(job({ status: 'failed', error_code: 'NoScheduleFound' }))).toBe(false)
  })
  it('builds the solve request from the dialog', () => {
    expect(solveRequest('s', 'sc', 'balanced', 90, 3, false)).toEqual({
      season_id: 's', scenario_id: 'sc', time_limit_s: 90, workers: 4, strategy: 'auto',
      objective: { travel_weight: 3, soft_constraints: false },
    })
    expect(solveRequest('s', null, 'quick', 30, 1, true, 'lns').strategy).toBe('lns')
  })
})

describe('comments', () => {
  it('splits @mentions out of a comment', () => {
    expect(mentionParts('hi @scheduler and @ann@big12.local!')).toEqual([
      { text: 'hi ', mention: false }, { text: '@scheduler', mention: true }, { text: ' and ', mention: false },
      { text: '@ann@big12.local', mention: true }, { text: '!', mention: false },
    ])
  })
})
