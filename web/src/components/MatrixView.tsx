import { useMemo } from 'react'
import type { Game, Team } from '../api/types'
import { matchupMatrix, slotLabel } from '../lib/schedule'

/** Home (rows) x away (columns): the dates each pairing meets. */
export function MatrixView({ teams, games }: { teams: Team[]; games: Game[] }) {
  const m = useMemo(() => matchupMatrix(games), [games])
  return (
    <div className="grid-wrap" tabIndex={0} role="region" aria-label="Matchup matrix (scrolls)">
      <table className="matrix">
        <caption>Home team (rows) against away team (columns)</caption>
        <thead>
          <tr>
            <th scope="col">Home \ Away</th>
            {teams.map((t) => <th scope="col" key={t.id}>{t.short_name || t.id}</th>)}
          </tr>
        </thead>
        <tbody>
          {teams.map((h) => (
            <tr key={h.id}>
              <th scope="row">{h.short_name || h.id}</th>
              {teams.map((a) => {
                const gs = m.get(h.id)?.get(a.id) ?? []
                return (
                  <td key={a.id} className={h.id === a.id ? 'diag' : gs.length ? 'met' : ''}>
                    {gs.map((g) => <div key={g.slot}>{slotLabel(g.slot, g.day)}</div>)}
                  </td>
                )
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
