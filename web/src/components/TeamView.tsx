import { useMemo } from 'react'
import type { Game, Team, Venue } from '../api/types'
import { fmtNum, slotLabel, teamRows } from '../lib/schedule'

export function TeamView({ team, teams, games, venues, onTeam }: {
  team: string; teams: Team[]; games: Game[]; venues: Venue[]; onTeam: (t: string) => void
}) {
  const rows = useMemo(() => teamRows(team, games, teams, venues), [team, games, teams, venues])
  const totalKm = rows.reduce((a, r) => a + (r.tripKm ?? 0), 0)
  return (
    <div>
      <label className="inline-label">
        Team{' '}
        <select value={team} onChange={(e) => onTeam(e.target.value)}>
          {teams.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
      </label>
      <p className="muted">
        {rows.length} games, {rows.filter((r) => r.home).length} at home; road trips {fmtNum(Math.max(0, ...rows.map((r) => r.trip ?? 0)))}, {fmtNum(totalKm)} km in all.
      </p>
      <div className="table-wrap">
        <table>
          <caption>Games of {teams.find((t) => t.id === team)?.name ?? team}</caption>
          <thead>
            <tr>
              <th scope="col">Date</th><th scope="col">Opponent</th><th scope="col">H/A</th><th scope="col">Venue</th>
              <th scope="col" className="num">Rest days</th><th scope="col">Trip</th><th scope="col" className="num">Trip km</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.slot}-${r.opponent}`}>
                <th scope="row">{slotLabel(r.slot, r.date)}</th>
                <td>{teams.find((t) => t.id === r.opponent)?.name ?? r.opponent}{r.game.locked ? ' 🔒' : ''}</td>
                <td>{r.home ? 'Home' : 'Away'}</td>
                <td>{r.venue}</td>
                <td className="num">{r.restDays === null ? '—' : r.restDays}</td>
                <td>{r.trip ? `#${r.trip}` : ''}</td>
                <td className="num">{r.tripKm === null ? '' : fmtNum(r.tripKm)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
