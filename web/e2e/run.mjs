// End-to-end in Debian's headless Chromium (playwright-core, no browser download) against a
// running `flextime serve`: sign in -> run a solve -> watch it finish -> open the grid -> move a
// game and see the violation -> lock a game -> publish -> download an ICS file and parse it.
// Screenshots of each main view and axe-core checks (no serious/critical violations) on the way.
//
//   BASE_URL=http://127.0.0.1:8000 FLEXTIME_TOKEN=$(flextime token --role scheduler --tenant big12) \
//   OUT_DIR=../out/e2e node e2e/run.mjs
//
// Prints one line per step and a closing "N passed, N failed"; writes OUT_DIR/results.json.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium } from 'playwright-core'

const require = createRequire(import.meta.url)
const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:8000'
const TOKEN = process.env.FLEXTIME_TOKEN ?? '' // not needed since the one-click demo sign-in; kept for manual runs
const OUT = resolve(process.env.OUT_DIR ?? 'out/e2e')
const EXE = process.env.CHROMIUM ?? '/usr/bin/chromium'
const SOLVE_S = Number(process.env.E2E_SOLVE_SECONDS ?? 10)
const SPORT = process.env.E2E_SPORT ?? 'Football'
mkdirSync(OUT, { recursive: true })

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')
const results = { steps: [], axe: {}, screenshots: [], firstPaintMs: [], ics: null, bundle: null }
let passed = 0
let failed = 0

async function step(name, fn) {
  const t0 = Date.now()
  try {
    const detail = await fn()
    passed++
    results.steps.push({ name, ok: true, ms: Date.now() - t0, detail })
    console.log(`PASS ${name} (${Date.now() - t0} ms)${detail ? ` ${JSON.stringify(detail)}` : ''}`)
    return detail
  } catch (e) {
    failed++
    results.steps.push({ name, ok: false, ms: Date.now() - t0, error: String(e?.stack ?? e) })
    console.log(`FAIL ${name}: ${e?.message ?? e}`)
    await shot(`failure-${name.replace(/\W+/g, '-')}`).catch(() => {})
    throw e
  }
}

let page
async function shot(name) {
  const file = join(OUT, `${name}.png`)
  await page.screenshot({ path: file, fullPage: true })
  results.screenshots.push(file)
  return file
}

/** axe-core on the current page: serious and critical violations fail the view. */
async function axe(view) {
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ content: AXE })
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, target: v.nodes[0]?.target }))
  })
  results.axe[view] = res
  const bad = res.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  if (bad.length) throw new Error(`axe: ${bad.length} serious violation(s) on ${view}: ${JSON.stringify(bad)}`)
  return { violations: res.length, serious: 0 }
}

const userDataDir = mkdtempSync(join(tmpdir(), 'flextime-e2e-chromium-'))
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: EXE,
  headless: true,
  acceptsDownloads: true,
  viewport: { width: 1366, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
})
page = context.pages()[0] ?? (await context.newPage())
page.setDefaultTimeout(20000)
const consoleErrors = []
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()) })

let scheduleUrl = ''
try {
  await step('sign-in page', async () => {
    await page.goto(BASE + '/')
    await page.getByRole('heading', { name: 'Sign in to FlexTime' }).waitFor()
    await shot('01-sign-in')
    return axe('sign-in')
  })
  await step('one-click local demo sign-in', async () => {
    // POST /v1/dev/token: on under `flextime serve` (trust_local_key), absent in AWS
    const dev = page.locator('section.card', { has: page.getByRole('heading', { name: 'Local demo sign-in' }) })
    await dev.waitFor()
    await dev.getByLabel('Role').selectOption('scheduler')
    await dev.getByRole('button', { name: 'Sign in', exact: true }).click()
    await page.getByRole('heading', { name: 'Seasons', level: 1 }).waitFor()
    await page.getByText('Scheduler', { exact: true }).waitFor()
    await shot('02-seasons')
    return axe('seasons')
  })
  await step('season dashboard', async () => {
    const card = page.locator('section.card', { has: page.getByRole('heading', { name: SPORT }) })
    await card.getByRole('link').first().click()
    await page.getByRole('heading', { name: 'Schedule versions' }).waitFor()
    await shot('03-dashboard')
    return axe('dashboard')
  })
  await step('solve dialog', async () => {
    await page.getByRole('button', { name: 'Run a solve…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Run a solve' })
    await dialog.waitFor()
    await dialog.getByLabel('Quick look (30 s)').check()
    await dialog.getByLabel('Time limit (seconds)').fill(String(SOLVE_S))
    // the scenario's own weight (0): the weights are honoured now, and travel makes a 10 s solve uncertain
    await dialog.getByLabel('Travel weight').fill('0')
    await shot('04-solve-dialog')
    const a = await axe('solve-dialog')
    await dialog.getByRole('button', { name: 'Start solve' }).click()
    await page.waitForURL(/#\/jobs\//)
    return a
  })
  await step('watch the solve finish', async () => {
    await page.getByRole('heading', { name: /Solve job/ }).waitFor()
    await page.locator('.timeline').waitFor()
    // mid-run screenshot once the chart has a point
    await page.locator('.chart svg').waitFor({ timeout: (SOLVE_S + 60) * 1000 }).catch(() => {})
    await shot('05-job-running')
    await page.getByRole('link', { name: 'Open the schedule' }).waitFor({ timeout: (SOLVE_S + 120) * 1000 })
    // the timeline is the execution history (GET /v1/jobs/{id} steps), not derived from the job row
    await page.locator('.timeline').getByText('Load the scenario').waitFor({ timeout: 10000 })
    const samples = await page.locator('.chart circle').count()
    await shot('06-job-done')
    const a = await axe('job-progress')
    return { samples, ...a }
  })
  await step('open the grid', async () => {
    await page.getByRole('link', { name: 'Open the schedule' }).click()
    await page.getByRole('grid').waitFor()
    scheduleUrl = page.url()
    const cells = await page.locator('td.cell[data-game]').count()
    await shot('07-grid')
    const a = await axe('grid')
    return { gameCells: cells, ...a }
  })
  await step('first meaningful paint of the grid (16 teams)', async () => {
    const rows = await page.locator('table.grid tbody tr').count()
    for (let i = 0; i < 3; i++) {
      await page.goto('about:blank')
      await page.goto(scheduleUrl)
      await page.getByRole('grid').waitFor()
      const ms = await page.evaluate(() => performance.getEntriesByName('flextime:grid')[0]?.startTime ?? -1)
      results.firstPaintMs.push(Math.round(ms))
    }
    const sorted = [...results.firstPaintMs].sort((a, b) => a - b)
    const median = sorted[1]
    if (median < 0 || median > 1000) throw new Error(`grid painted after ${median} ms (target < 1000 ms)`)
    return { teams: rows, runsMs: results.firstPaintMs, medianMs: median }
  })
  await step('move a game with the keyboard and see the violation', async () => {
    const first = page.locator('td.cell[data-game]').first()
    await first.focus()
    await page.keyboard.press('Enter') // pick up
    await page.locator('td.cell.picked').first().waitFor()
    const from = await first.getAttribute('data-slot')
    // to the next date of the same team
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('Enter') // drop: move or swap
    const dialog = page.getByRole('dialog', { name: 'Check the edit' })
    await dialog.waitFor()
    await dialog.getByText(/This edit would break|This edit breaks no rule/).waitFor()
    const breaks = await dialog.getByText('This edit would break:').count()
    const items = await dialog.locator('li').allInnerTexts()
    const marked = await page.locator('td.cell.violated').count()
    await shot('08-move-preview')
    if (!breaks) throw new Error('the move broke nothing: expected a violation')
    if (!marked) throw new Error('no grid cell is highlighted')
    // the grid with violations marked (a solve may leave none, so the grid step alone may miss them)
    const a = await axe('move-preview')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    return { fromSlot: from, violations: items.slice(0, 5), highlightedCells: marked, ...a }
  })
  await step('drag and drop shows a preview too', async () => {
    const cells = page.locator('td.cell[draggable=true]')
    const src = cells.nth(2)
    const team = await src.getAttribute('data-team')
    const slot = Number(await src.getAttribute('data-slot'))
    const target = page.locator(`td.cell[data-team="${team}"][data-slot="${slot + 2}"]`)
    await src.dragTo(target)
    const dialog = page.getByRole('dialog', { name: 'Check the edit' })
    await dialog.waitFor()
    await dialog.getByText(/This edit would break|This edit breaks no rule/).waitFor()
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    return { team, from: slot, to: slot + 2 }
  })
  await step('lock a game (saved as a new draft)', async () => {
    const before = page.url()
    await page.locator('td.cell[data-game]').nth(1).click()
    await page.getByRole('button', { name: 'Lock game' }).click()
    await page.waitForURL((u) => u.toString() !== before)
    await page.locator('td.cell.locked').first().waitFor()
    const locked = await page.locator('td.cell.locked').count()
    await shot('09-locked')
    scheduleUrl = page.url()
    return { lockedCells: locked, version: await page.getByRole('heading', { level: 1 }).innerText() }
  })
  await step('team, matrix and venue views', async () => {
    const out = {}
    for (const [tab, name] of [['Team', 'team'], ['Matrix', 'matrix'], ['Venues', 'venues']]) {
      await page.getByRole('tab', { name: tab }).click()
      if (name === 'venues') await page.getByRole('table').filter({ hasText: 'Bookings at' }).waitFor()
      else await page.locator('[role=tabpanel] table').first().waitFor()
      await shot(`10-${name}`)
      out[name] = await axe(name)
    }
    await page.getByRole('tab', { name: 'Grid' }).click()
    return out
  })
  await step('comment with an @mention', async () => {
    const box = page.getByLabel(/Add a comment/).last()
    await box.fill('Looks good @scheduler, please check the locked game')
    await page.getByRole('button', { name: 'Post comment' }).last().click()
    await page.locator('mark.mention').first().waitFor()
    return { mentions: await page.locator('mark.mention').count() }
  })
  await step('compare versions', async () => {
    await page.getByRole('link', { name: 'Compare' }).click()
    await page.getByRole('heading', { name: 'Compare versions' }).waitFor()
    await page.getByText(/game change\(s\) from/).waitFor()
    const caption = await page.getByText(/game change\(s\) from/).innerText()
    await shot('11-compare')
    const a = await axe('compare')
    await page.goBack()
    await page.getByRole('grid').waitFor()
    return { caption, ...a }
  })
  await step('publish (then read-only)', async () => {
    await page.getByRole('button', { name: 'Publish…' }).click()
    const dialog = page.getByRole('dialog', { name: /Publish version/ })
    await dialog.waitFor()
    await shot('12-publish-confirm')
    await dialog.getByRole('button', { name: 'Publish', exact: true }).click()
    await page.getByText('This version is published and read-only.').waitFor()
    const editable = await page.locator('td.cell[draggable=true]').count()
    if (editable) throw new Error('published version still has draggable games')
    await shot('13-published')
    return axe('published')
  })
  await step('download an ICS file and parse it', async () => {
    const select = page.getByLabel('Team calendar')
    const team = await select.inputValue()
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download ICS' }).click()])
    const file = join(OUT, `team-${team}.ics`)
    await download.saveAs(file)
    const text = readFileSync(file, 'utf8')
    const unfolded = text.replace(/\r?\n[ \t]/g, '')
    if (!/^BEGIN:VCALENDAR/m.test(unfolded) || !/END:VCALENDAR/.test(unfolded)) throw new Error('not an iCalendar file')
    const events = unfolded.split(/BEGIN:VEVENT/).slice(1).map((e) => ({
      summary: /SUMMARY:(.*)/.exec(e)?.[1]?.trim(),
      start: /DTSTART[^:]*:(.*)/.exec(e)?.[1]?.trim(),
      uid: /UID:(.*)/.exec(e)?.[1]?.trim(),
    }))
    if (!events.length) throw new Error('no VEVENT in the ICS file')
    if (events.some((e) => !e.start || !e.summary)) throw new Error('an event lacks DTSTART or SUMMARY')
    results.ics = { file, team, events: events.length, first: events[0] }
    return results.ics
  })
  await step('build and download the report (PDF over the API)', async () => {
    // served locally the report link is the API's /v1/artifacts/... route (not a file:// path)
    const t0 = Date.now()
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 90000 }),
      page.getByRole('button', { name: 'Download report (PDF)' }).click(),
    ])
    const file = join(OUT, 'report.pdf')
    await download.saveAs(file)
    const head = readFileSync(file).subarray(0, 5).toString('latin1')
    if (head !== '%PDF-') throw new Error(`the report is not a PDF (starts ${JSON.stringify(head)})`)
    results.report = { file, bytes: readFileSync(file).length, ms: Date.now() - t0 }
    return results.report
  })
  await step('tablet layout', async () => {
    await page.setViewportSize({ width: 820, height: 1180 })
    await page.goto(scheduleUrl)
    await page.getByRole('grid').waitFor()
    await shot('14-tablet-grid')
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    if (overflow > 4) throw new Error(`page scrolls sideways by ${overflow}px at tablet width`)
    return { horizontalOverflowPx: overflow, ...(await axe('tablet-grid')) }
  })
} catch {
  // the failing step was recorded; stop here
} finally {
  results.consoleErrors = consoleErrors
  writeFileSync(join(OUT, 'results.json'), JSON.stringify(results, null, 2))
  await context.close()
  rmSync(userDataDir, { recursive: true, force: true })
  console.log(`${passed} passed, ${failed} failed`)
  process.exit(failed ? 1 : 0)
}
