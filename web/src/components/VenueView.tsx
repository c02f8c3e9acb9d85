import { useState } from 'react'
import { api } from '../api/client'
import type { Team, Venue } from '../api/types'
import { useLoad } from '../lib/hooks'
import { ErrorNote, Loading } from './ui'

interface Booking { day: string; what: string; sport: string; kind: 'game' | 'hold' }

/** All sports' games and holds at one venue (venues are shared: football, basketball...). */
async function bookings(venue: Venue): Promise<Booking[]> {
  const [sports, seasons, holds] = await Promise.all([
    api.sports(), api.seasons(), api.venueCalendar(venue.row_id).catch(() => ({ items: [] })),
  ])
  const out: Booking[] = holds.items.map((h) => ({ day: h.day, what: `${h.holder}${h.note ? ` — ${h.note}` : ''}`, sport: '', kind: 'hold' }))
  await Promise.all(seasons.items.map(async (s) => {
    const sport = sports.items.find((x) => x.id === s.sport_id)?.name ?? ''
    const [versions, teams] = await Promise.all([api.versions(s.id), api.teams(s.id)])
    const pick = versions.items.find((v) => v.status === 'published') ?? [...versions.items].sort((a, b) => b.version - a.version)[0]
    if (!pick) return
    const sched = await api.schedule(pick.id)
    const home = new Map(teams.items.map((t: Team) => [t.id, t.venue]))
    for (const g of sched.games) {
      const v = g.venue ?? home.get(g.home)
      if (v === venue.id && g.day) out.push({ day: g.day, what: `${g.away} at ${g.home} (v${pick.version} ${pick.status})`, sport: `${sport} ${s.name}`, kind: 'game' })
    }
  }))
  return out.sort((a, b) => a.day.localeCompare(b.day))
}

export function VenueView({ venues }: { venues: Venue[] }) {
  const [venueId, setVenueId] = useState(venues[0]?.id ?? '')
  const venue = venues.find((v) => v.id === venueId)
  const data = useLoad(() => (venue ? bookings(venue) : Promise.resolve([])), [venueId])
  const clashes = new Set<string>()
  const seen = new Map<string, number>()
  for (const b of data.data ?? []) seen.set(b.day, (seen.get(b.day) ?? 0) + 1)
  for (const [d, n] of seen) if (n > 1) clashes.add(d)
  return (
    <div>
      <label className="inline-label">
        Venue{' '}
        <select value={venueId} onChange={(e) => setVenueId(e.target.value)}>
          {venues.map((v) => <option key={v.id} value={v.id}>{v.name}{v.city ? `, ${v.city}` : ''}</option>)}
        </select>
      </label>
      <ErrorNote error={data.error} />
      {data.loading ? <Loading what="the venue calendar" /> : (
        <div className="table-wrap">
          <table>
            <caption>Bookings at {venue?.name} across all sports{clashes.size ? ` — ${clashes.size} date(s) double-booked` : ''}</caption>
            <thead><tr><th scope="col">Date</th><th scope="col">Sport</th><th scope="col">Booking</th></tr></thead>
            <tbody>
              {(data.data ?? []).map((b, i) => (
                <tr key={i} className={clashes.has(b.day) ? 'violated' : ''}>
                  <th scope="row">{b.day}{clashes.has(b.day) ? ' (clash)' : ''}</th>
                  <td>{b.kind === 'hold' ? 'Hold' : b.sport}</td>
                  <td>{b.what}</td>
                </tr>
              ))}
              {!data.data?.length && <tr><td colSpan={3} className="muted">No bookings.</td></tr>}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
