// Teams x dates grid. A game shows in both teams' rows (H home / @ away). Violated constraints
// highlight the cells they concern, with their labels. Editing: drag a game onto another date
// (an empty cell moves it, a cell with a game swaps them), or with the keyboard: arrows move
// between cells, Enter picks a game up, Enter on a target drops it, Escape cancels.
import { memo, useEffect, useMemo, useRef } from 'react'
import type { Game, Team } from '../api/types'
import { gameKey, gridCells, type Mark, type SlotInfo } from '../lib/schedule'

export interface DropTarget {
  team: string
  slot: number
  game: Game | null // the target team's game in that slot, if any
}

interface Props {
  teams: Team[]
  slots: SlotInfo[]
  games: Game[]
  marks: Map<string, Mark[]>
  picked: Game | null
  editable: boolean
  onPick: (g: Game | null) => void
  onDrop: (g: Game, target: DropTarget) => void
  changed?: Set<string>
}

function cellLabel(team: string, slot: SlotInfo, game: Game | undefined, home: boolean, marks: Mark[]): string {
  if (!game) return `${team}, ${slot.label}: no game`
  const opp = home ? game.away : game.home
  let s = `${team} ${home ? 'at home against' : 'away at'} ${opp}, ${slot.label}`
  if (game.locked) s += ', locked'
  if (marks.length) s += `. Violates: ${marks.map((m) => m.label).join('; ')}`
  return s
}

export const Grid = memo(function Grid({ teams, slots, games, marks, picked, editable, onPick, onDrop, changed }: Props) {
  const cells = useMemo(() => gridCells(games), [games])
  const table = useRef<HTMLTableElement>(null)
  const focus = useRef<[number, number]>([0, 0])

  useEffect(() => {
    if (!performance.getEntriesByName('flextime:grid').length) performance.mark('flextime:grid')
  }, [])

  const cellAt = (r: number, c: number) =>
    table.current?.querySelector<HTMLElement>(`[data-r="${r}"][data-c="${c}"]`)

  const onKey = (e: React.KeyboardEvent) => {
    const t = e.target as HTMLElement
    const r = Number(t.dataset.r)
    const c = Number(t.dataset.c)
    if (Number.isNaN(r) || Number.isNaN(c)) return
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
    }
    if (moves[e.key]) {
      e.preventDefault()
      const nr = Math.max(0, Math.min(teams.length - 1, r + moves[e.key][0]))
      const nc = Math.max(0, Math.min(slots.length - 1, c + moves[e.key][1]))
      const el = cellAt(nr, nc)
      if (el) {
        cellAt(focus.current[0], focus.current[1])?.setAttribute('tabindex', '-1')
        el.setAttribute('tabindex', '0')
        el.focus()
        focus.current = [nr, nc]
      }
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault()
      const nc = e.key === 'Home' ? 0 : slots.length - 1
      const el = cellAt(r, nc)
      if (el) { el.setAttribute('tabindex', '0'); el.focus(); focus.current = [r, nc] }
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault()
      activate(r, c)
    } else if (e.key === 'Escape' && picked) {
      e.preventDefault()
      onPick(null)
    }
  }

  const activate = (r: number, c: number) => {
    const team = teams[r].id
    const slot = slots[c].index
    const here = cells.get(team)?.get(slot)?.[0]?.game ?? null
    if (picked && editable) {
      if (here && gameKey(here) === gameKey(picked)) return onPick(null)
      if (picked.home === team || picked.away === team) return onDrop(picked, { team, slot, game: here })
      if (here) return onPick(here)
      return
    }
    if (here) onPick(here)
  }

  const pickedKey = picked ? gameKey(picked) : null
  return (
    <div className="grid-wrap" tabIndex={-1}>
      <table ref={table} className="grid" role="grid" aria-label="Schedule grid: teams by dates" aria-describedby="grid-help" onKeyDown={onKey}>
        <thead>
          <tr>
            <th scope="col" className="corner">Team</th>
            {slots.map((s) => (
              <th scope="col" key={s.index} title={s.date ?? undefined}>
                <span className="slot-label">{s.label}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {teams.map((t, r) => {
            const row = cells.get(t.id)
            const rowMarks = marks.get(`${t.id}|-1`) ?? []
            return (
              <tr key={t.id}>
                <th scope="row" className={rowMarks.length ? 'violated' : ''} title={rowMarks.map((m) => m.label).join('; ') || undefined}>
                  {t.short_name || t.id}
                  {rowMarks.length > 0 && <span className="vlabel">{rowMarks[0].label}</span>}
                </th>
                {slots.map((s, c) => {
                  const list = row?.get(s.index) ?? []
                  const cell = list[0]
                  const m = marks.get(`${t.id}|${s.index}`) ?? []
                  const g = cell?.game
                  const isPicked = !!g && gameKey(g) === pickedKey
                  const target = !!picked && (picked.home === t.id || picked.away === t.id) && !isPicked
                  const cls = [
                    'cell',
                    cell ? (cell.home ? 'home' : 'away') : 'empty',
                    m.length ? (m.some((x) => x.hard) ? 'violated hard' : 'violated') : '',
                    g?.locked ? 'locked' : '',
                    isPicked ? 'picked' : '',
                    target ? 'target' : '',
                    list.length > 1 ? 'double' : '',
                    g && changed?.has(gameKey(g)) ? 'changed' : '',
                  ].filter(Boolean).join(' ')
                  return (
                    <td
                      key={s.index}
                      className={cls}
                      data-r={r}
                      data-c={c}
                      data-team={t.id}
                      data-slot={s.index}
                      data-game={g ? gameKey(g) : undefined}
                      tabIndex={r === 0 && c === 0 ? 0 : -1}
                      role="gridcell"
                      aria-selected={isPicked || undefined}
                      title={m.length ? m.map((x) => `${x.label}${x.detail ? `: ${x.detail}` : ''}`).join('\n') : undefined}
                      draggable={editable && !!g && !g.locked}
                      onClick={() => { focus.current = [r, c]; activate(r, c) }}
                      onDragStart={(e) => {
                        if (!g) return
                        e.dataTransfer.setData('text/plain', gameKey(g))
                        e.dataTransfer.effectAllowed = 'move'
                        onPick(g)
                      }}
                      onDragOver={(e) => { if (editable && picked && (picked.home === t.id || picked.away === t.id)) e.preventDefault() }}
                      onDrop={(e) => {
                        e.preventDefault()
                        if (picked && editable && !isPicked) onDrop(picked, { team: t.id, slot: s.index, game: g ?? null })
                      }}
                    >
                      {/* the name comes from this text, not an aria-label: with the short visible
                          marks beside it an aria-label failed axe's label-in-name rule */}
                      <span className="sr-only">{cellLabel(t.id, s, g, cell?.home ?? false, m)}</span>
                      {cell && (
                        <span className="game" aria-hidden="true">
                          {cell.home ? '' : '@'}{cell.opponent}
                          {g?.locked && <span className="lock">🔒</span>}
                          {list.length > 1 && <span className="more">+{list.length - 1}</span>}
                        </span>
                      )}
                      {m.length > 0 && (
                        <span className="vlabel" aria-hidden="true">{m[0].label}{m.length > 1 ? ` +${m.length - 1}` : ''}</span>
                      )}
                    </td>
                  )
                })}
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
})
