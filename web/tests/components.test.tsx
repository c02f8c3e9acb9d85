import { describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { Grid } from '../src/components/Grid'
import { ProgressChart } from '../src/components/ProgressChart'
import { ScheduleView } from '../src/views/ScheduleView'
import { SolveDialog } from '../src/views/SolveDialog'
import { JobView } from '../src/views/JobView'
import { SignIn } from '../src/views/SignIn'
import { App } from '../src/App'
import { configureClient } from '../src/api/client'
import { parseToken } from '../src/lib/auth'
import { seasonSlots } from '../src/lib/schedule'
import { CALENDAR, CONSTRAINTS, GAMES, TEAMS, VENUES, fakeToken, job, mockFetch, page, schedule, version } from './fixtures'

const scheduler = parseToken(fakeToken({ sub: 'u1', 'custom:tenant_id': 't', 'cognito:groups': ['scheduler'] }))!
const viewer = parseToken(fakeToken({ sub: 'u2', 'custom:tenant_id': 't', 'cognito:groups': ['viewer'] }))!
configureClient(() => 'tok', () => {})

function scheduleRoutes(over: { status?: 'draft' | 'published'; jobId?: string | null } = {}) {
  return [
    ['GET /v1/schedules/v1/validation', () => ({ body: { feasible: false, infeasibility: 1, objective: 12, violations: [{ constraint_id: 'CA1-1', type: 'CA1', label: 'AAA not home in week 1', hard: true, deviation: 1, cost: 0, detail: '' }] } })],
    ['GET /v1/schedules/v1', () => ({ body: schedule({ status: over.status ?? 'draft', job_id: over.jobId ?? null }) })],
    ['GET /v1/seasons/s1/teams', () => ({ body: page(TEAMS) })],
    ['GET /v1/seasons/s1/schedules', () => ({ body: page([version()]) })],
    ['GET /v1/venues', () => ({ body: page(VENUES) })],
    ['GET /v1/scenarios/sc1', () => ({ body: { scenario: { id: 'sc1', season_id: 's1', name: 'baseline', description: '', format: { slots: CALENDAR }, objective: {}, tenant_id: 't' }, constraints: CONSTRAINTS } })],
    ['GET /v1/threads', () => ({ body: page([]) })],
  ] as Parameters<typeof mockFetch>[0]
}

describe('Grid', () => {
  const slots = seasonSlots(GAMES, CALENDAR)
  const base = { teams: TEAMS, slots, games: GAMES, marks: new Map(), picked: null, editable: true, onPick: () => {}, onDrop: () => {} }

  it('shows home and away games and violation labels', () => {
    const marks = new Map([['AAA|0', [{ constraintId: 'CA1-1', label: 'AAA not home in week 1', hard: true, detail: '' }]]])
    render(<Grid {...base} marks={marks} />)
    const grid = screen.getByRole('grid', { name: /teams by dates/ })
    expect(within(grid).getAllByRole('row')).toHaveLength(5)
    const cell = screen.getByRole('gridcell', { name: /AAA at home against BBB, Week 1\. Violates: AAA not home in week 1/ })
    expect(cell.className).toContain('violated')
    expect(cell.textContent).toContain('AAA not home in week 1')
    expect(screen.getByRole('gridcell', { name: 'BBB away at AAA, Week 1' }).textContent).toContain('@AAA')
    expect(screen.getByRole('gridcell', { name: /DDD at home against AAA, Week 3, locked/ })).toBeTruthy()
  })

  it('keyboard path: arrows move focus, Enter picks a game, Enter on another date drops it', () => {
    const onPick = vi.fn()
    const onDrop = vi.fn()
    const { rerender } = render(<Grid {...base} onPick={onPick} onDrop={onDrop} />)
    const first = screen.getByRole('gridcell', { name: /AAA at home against BBB/ })
    first.focus()
    fireEvent.keyDown(first, { key: 'Enter' })
    expect(onPick).toHaveBeenCalledWith(GAMES[0])
    rerender(<Grid {...base} picked={GAMES[0]} onPick={onPick} onDrop={onDrop} />)
    for (let i = 0; i < 3; i++) fireEvent.keyDown(document.activeElement as HTMLElement, { key: 'ArrowRight' })
    const target = screen.getByRole('gridcell', { name: 'AAA, Week 4: no game' })
    expect(document.activeElement).toBe(target)
    fireEvent.keyDown(target, { key: 'Enter' })
    expect(onDrop).toHaveBeenCalledWith(GAMES[0], { team: 'AAA', slot: 3, game: null })
  })

  it('drag and drop onto a cell with a game asks for a swap', () => {
    const onDrop = vi.fn()
    render(<Grid {...base} picked={GAMES[0]} onDrop={onDrop} />)
    const target = screen.getByRole('gridcell', { name: /AAA away at CCC, Week 2/ })
    fireEvent.dragOver(target)
    fireEvent.drop(target)
    expect(onDrop).toHaveBeenCalledWith(GAMES[0], { team: 'AAA', slot: 1, game: GAMES[2] })
  })

  it('locked games are not draggable; read-only grids neither', () => {
    render(<Grid {...base} />)
    expect(screen.getByRole('gridcell', { name: /DDD at home against AAA, Week 3, locked/ }).getAttribute('draggable')).toBe('false')
    expect(screen.getByRole('gridcell', { name: /AAA at home against BBB/ }).getAttribute('draggable')).toBe('true')
  })
})

describe('ScheduleView', () => {
  it('previews a move and shows what it would break before saving', async () => {
    const calls = mockFetch([
      ['POST /v1/schedules/v1/edits/preview', () => ({ body: { feasible: false, infeasibility: 2, objective: 30, caused: [{ constraint_id: 'CA1-1', type: 'CA1', label: 'AAA not home in week 1', hard: true, deviation: 1, cost: 0, detail: 'AAA plays twice' }], resolved: [], structural: ['team AAA plays twice in slot 1'] } })],
      ...scheduleRoutes(),
    ])
    render(<ScheduleView scheduleId="v1" session={scheduler} />)
    const cell = await screen.findByRole('gridcell', { name: /AAA at home against BBB/ })
    await userEvent.click(cell)
    await userEvent.selectOptions(screen.getByLabelText('Move to'), '3')
    const dialog = await screen.findByRole('dialog', { name: 'Check the edit' })
    await within(dialog).findByText('This edit would break:')
    expect(within(dialog).getByText(/team AAA plays twice in slot 1/)).toBeTruthy()
    expect(within(dialog).getByText('AAA not home in week 1')).toBeTruthy()
    const preview = calls.find((c) => c.url.endsWith('/edits/preview'))!
    expect(preview.body).toEqual({ ops: [{ op: 'move', home: 'AAA', away: 'BBB', slot: 0, to_slot: 3 }] })
    expect(calls.some((c) => c.url.endsWith('/edits'))).toBe(false) // nothing saved yet
  })

  it('shows a clear conflict message when someone else saved first (412)', async () => {
    mockFetch([
      ['POST /v1/schedules/v1/edits/preview', () => ({ body: { feasible: true, infeasibility: 0, objective: 1, caused: [], resolved: [], structural: [] } })],
      ['POST /v1/schedules/v1/edits', () => ({ status: 412, body: { title: 'Precondition Failed', status: 412, detail: 'stale' } })],
      ...scheduleRoutes(),
    ])
    render(<ScheduleView scheduleId="v1" session={scheduler} />)
    await userEvent.click(await screen.findByRole('gridcell', { name: /AAA at home against BBB/ }))
    await userEvent.selectOptions(screen.getByLabelText('Move to'), '3')
    const dialog = await screen.findByRole('dialog', { name: 'Check the edit' })
    await within(dialog).findByText('This edit breaks no rule.')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Save draft' }))
    const alert = await screen.findByText(/Someone else changed version 1 after you opened it/)
    expect(alert.textContent).toContain('Your edit was not saved')
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy()
  })

  it("saves edits of a solver's version as a new draft (derive, then save with its ETag)", async () => {
    const calls = mockFetch([
      ['POST /v1/schedules/v1/drafts', () => ({ status: 201, body: version({ id: 'v2', version: 2, etag: '"v2.1"' }) })],
      ['POST /v1/schedules/v2/edits', () => ({ body: { version: version({ id: 'v2', version: 2, etag: '"v2.2"' }), validation: { feasible: true, infeasibility: 0, objective: 1, caused: [], resolved: [], structural: [] } } })],
      ...scheduleRoutes({ jobId: 'j1' }),
    ])
    render(<ScheduleView scheduleId="v1" session={scheduler} />)
    await userEvent.click(await screen.findByRole('gridcell', { name: /AAA at home against BBB/ }))
    await userEvent.click(screen.getByRole('button', { name: 'Lock game' }))
    await waitFor(() => expect(window.location.hash).toBe('#/schedules/v2'))
    const save = calls.find((c) => c.url === '/v1/schedules/v2/edits')!
    expect(save.headers['If-Match']).toBe('"v2.1"')
    expect(save.body).toMatchObject({ ops: [{ op: 'lock', home: 'AAA', away: 'BBB', slot: 0 }] })
  })

  it('highlights the stored violations and publishes after confirmation', async () => {
    const calls = mockFetch([
      ['POST /v1/schedules/v1/publish', () => ({ body: version({ status: 'published' }) })],
      ...scheduleRoutes(),
    ])
    render(<ScheduleView scheduleId="v1" session={scheduler} />)
    const cell = await screen.findByRole('gridcell', { name: /AAA at home against BBB, Week 1\. Violates: AAA not home in week 1/ })
    expect(cell.className).toContain('hard')
    await userEvent.click(screen.getByRole('button', { name: 'Publish…' }))
    const dialog = screen.getByRole('dialog', { name: 'Publish version 1?' })
    expect(within(dialog).getByText(/becomes read-only/)).toBeTruthy()
    await userEvent.click(within(dialog).getByRole('button', { name: 'Publish' }))
    await waitFor(() => expect(calls.find((c) => c.url.endsWith('/publish'))?.headers['If-Match']).toBe('"v1.1"'))
  })

  it('a published version is read-only', async () => {
    mockFetch(scheduleRoutes({ status: 'published' }))
    render(<ScheduleView scheduleId="v1" session={scheduler} />)
    expect(await screen.findByText(/published and read-only/)).toBeTruthy()
    await userEvent.click(screen.getByRole('gridcell', { name: /AAA at home against BBB/ }))
    expect(screen.queryByLabelText('Move to')).toBeNull()
    expect(screen.queryByRole('button', { name: 'Publish…' })).toBeNull()
    expect(screen.getByRole('button', { name: 'New draft from this version' })).toBeTruthy()
  })

  it('viewers get no editing controls', async () => {
    mockFetch(scheduleRoutes())
    render(<ScheduleView scheduleId="v1" session={viewer} />)
    await userEvent.click(await screen.findByRole('gridcell', { name: /AAA at home against BBB/ }))
    expect(screen.queryByRole('button', { name: 'Lock game' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Publish…' })).toBeNull()
  })

  it('switches views with the keyboard (tabs) and shows the team list and matrix', async () => {
    mockFetch(scheduleRoutes())
    render(<ScheduleView scheduleId="v1" session={scheduler} />)
    const gridTab = await screen.findByRole('tab', { name: 'Grid' })
    gridTab.focus()
    fireEvent.keyDown(gridTab, { key: 'ArrowRight' })
    expect(screen.getByRole('tab', { name: 'Team' }).getAttribute('aria-selected')).toBe('true')
    expect(screen.getByRole('table', { name: /Games of AAA University/ })).toBeTruthy()
    fireEvent.keyDown(screen.getByRole('tab', { name: 'Team' }), { key: 'ArrowRight' })
    expect(screen.getByRole('table', { name: /Home team \(rows\)/ })).toBeTruthy()
  })
})

describe('reports', () => {
  it('builds a missing report, then downloads it through the API link', async () => {
    let built = false
    const calls = mockFetch([
      ['GET /v1/schedules/v1/report/report.pdf', () => (built ? { text: '%PDF-1.4 report' } : { status: 404, body: { title: 'Not Found', detail: 'POST .../report first' } })],
      ['POST /v1/schedules/v1/report', () => { built = true; return { body: { schedule_id: 'v1', version: 1, files: { 'report.pdf': 'k' } } } }],
      ...scheduleRoutes(),
    ])
    const made: Blob[] = []
    const create = vi.fn((b: Blob) => { made.push(b); return 'blob:report' })
    Object.assign(URL, { createObjectURL: create, revokeObjectURL: vi.fn() })
    render(<ScheduleView scheduleId="v1" session={scheduler} />)
    await userEvent.click(await screen.findByRole('button', { name: 'Download report (PDF)' }))
    await waitFor(() => expect(create).toHaveBeenCalled())
    expect(calls.filter((c) => c.url.includes('/report')).map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /v1/schedules/v1/report/report.pdf', 'POST /v1/schedules/v1/report', 'GET /v1/schedules/v1/report/report.pdf',
    ])
    expect(await made[0].text()).toBe('%PDF-1.4 report')
  })
})

describe('SolveDialog', () => {
  it('starts a job with the options and an idempotency key', async () => {
    const calls = mockFetch([['POST /v1/jobs', () => ({ status: 202, body: job() })]])
    const onStarted = vi.fn()
    render(<SolveDialog seasonId="s1" scenarios={[{ id: 'sc1', season_id: 's1', name: 'baseline', description: '', format: {}, objective: { travel_weight: 2 }, tenant_id: 't' }]} onClose={() => {}} onStarted={onStarted} />)
    const dialog = screen.getByRole('dialog', { name: 'Run a solve' })
    expect(document.activeElement?.tagName).toBe('SELECT') // focus moved into the dialog
    await userEvent.click(within(dialog).getByLabelText('Balanced (2 min)'))
    expect((within(dialog).getByLabelText('Time limit (seconds)') as HTMLInputElement).value).toBe('120')
    await userEvent.selectOptions(within(dialog).getByLabelText('Search strategy'), 'hard_first')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Start solve' }))
    await waitFor(() => expect(onStarted).toHaveBeenCalled())
    expect(calls[0].body).toMatchObject({ season_id: 's1', scenario_id: 'sc1', time_limit_s: 120, workers: 4, strategy: 'hard_first', objective: { travel_weight: 2, soft_constraints: true } })
    expect(calls[0].headers['Idempotency-Key']).toBeTruthy()
  })
  it('closes on Escape', () => {
    const onClose = vi.fn()
    render(<SolveDialog seasonId="s1" scenarios={[]} onClose={onClose} onStarted={() => {}} />)
    fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' })
    expect(onClose).toHaveBeenCalled()
  })
})

describe('JobView', () => {
  it('shows live progress: figures, chart and steps', async () => {
    mockFetch([['GET /v1/jobs/j1', () => ({ body: job() })]])
    render(<JobView jobId="j1" session={scheduler} />)
    expect(await screen.findByRole('img', { name: /Objective and bound over time/ })).toBeTruthy()
    expect(screen.getByRole('list', { name: 'Workflow steps' }).textContent).toMatch(/Solve\s*running/)
  })
  it('explains infeasibility in words and applies a relaxation in one click', async () => {
    const calls = mockFetch([
      ['GET /v1/jobs/j1', () => ({ body: job({ status: 'failed', error_code: 'InstanceInfeasible', error_cause: 'CP-SAT proved that the constraints cannot all hold', finished_at: '2026-01-01T00:00:05Z' }) })],
      ['GET /v1/scenarios/sc1/explanation', () => ({ body: {
        feasible: false, status: 'infeasible', source: 'presolve', text: '', reason: 'BYU has 2 Sundays blocked but must play 3 games on Sundays.',
        core: [{ constraint_id: 'BYU-SUN', label: 'BYU never on Sunday', hard: true, family: 'TeamUnavailable', teams: ['BYU'], slots: [] },
          { constraint_id: 'GPS', label: 'Games on Sunday', hard: true, family: 'GamesPerSlot', teams: [], slots: ['Sun 2027-02-07'] }],
        relaxations: [{ constraint_id: 'GPS', label: 'Games on Sunday', action: 'drop', restores_feasibility: true, proven: true }],
      } })],
      ['PATCH /v1/scenarios/sc1/constraints/GPS', () => ({ status: 204 })],
    ])
    render(<JobView jobId="j1" session={scheduler} />)
    expect(await screen.findByText(/These 2 requirements cannot all hold at once: “BYU never on Sunday”, “Games on Sunday”/)).toBeTruthy()
    expect(screen.getByText(/must play 3 games on Sundays/)).toBeTruthy()
    await userEvent.click(screen.getByRole('button', { name: 'Apply: Drop “Games on Sunday”' }))
    await screen.findByRole('button', { name: 'Solve again with the relaxation' })
    expect(calls.find((c) => c.method === 'PATCH')!.body).toEqual({ enabled: false })
  })
})

describe('ProgressChart', () => {
  it('draws objective and bound', () => {
    const { container } = render(<ProgressChart samples={[{ t_seconds: 1, objective: 10, bound: 2 }, { t_seconds: 2, objective: 8, bound: 3 }]} />)
    expect(container.querySelectorAll('polyline')).toHaveLength(2)
    expect(container.querySelectorAll('circle')).toHaveLength(2)
  })
})

describe('sign-in and navigation', () => {
  it('signs in with a dev token and shows the role', async () => {
    const token = fakeToken({ sub: 'u1', 'custom:tenant_id': 't', 'cognito:groups': ['scheduler'] })
    mockFetch([
      ['GET /v1/dev/sign-in', () => ({ body: { enabled: true, tenants: ['big12'], roles: ['scheduler'] } })],
      ['POST /v1/dev/token', () => ({ body: { token, role: 'scheduler', tenant: 'big12' } })],
      ['GET /v1/sports', () => ({ body: page([{ id: 'sp', code: 'football', name: 'Football', tenant_id: 't' }]) })],
      ['GET /v1/seasons', () => ({ body: page([{ id: 's1', sport_id: 'sp', name: '2026', starts_on: null, ends_on: null, tenant_id: 't' }]) })],
    ])
    render(<App />)
    await userEvent.click(await screen.findByRole('button', { name: 'Sign in' }))
    expect(await screen.findByRole('link', { name: '2026' })).toBeTruthy()
    expect(screen.getByLabelText('Signed in as').textContent).toBe('Scheduler')
    expect(sessionStorage.getItem('flextime.token')).toBe(token)
  })
  it('accepts a pasted token and rejects garbage', async () => {
    mockFetch([])
    const onSignedIn = vi.fn(() => null)
    render(<SignIn onSignedIn={onSignedIn} />)
    await userEvent.type(screen.getByLabelText(/Bearer token/), 'garbage')
    await userEvent.click(screen.getByRole('button', { name: 'Sign in with token' }))
    expect(await screen.findByRole('alert')).toBeTruthy()
    expect(onSignedIn).not.toHaveBeenCalled()
  })
})
