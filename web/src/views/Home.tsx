import { api } from '../api/client'
import { useLoad } from '../lib/hooks'
import { href } from '../lib/router'
import { ErrorNote, Loading } from '../components/ui'

/** Sports and their seasons. */
export function Home() {
  const data = useLoad(async () => {
    const [sports, seasons] = await Promise.all([api.sports(), api.seasons()])
    return { sports: sports.items, seasons: seasons.items }
  }, [])
  if (data.error) return <ErrorNote error={data.error} onRetry={data.reload} />
  if (!data.data) return <Loading what="seasons" />
  const { sports, seasons } = data.data
  return (
    <div>
      <h1>Seasons</h1>
      <div className="cards">
        {sports.map((sp) => (
          <section key={sp.id} className="card" aria-labelledby={`sport-${sp.id}`}>
            <h2 id={`sport-${sp.id}`}>{sp.name}</h2>
            <ul className="plain">
              {seasons.filter((s) => s.sport_id === sp.id).map((s) => (
                <li key={s.id}>
                  <a href={href('seasons', s.id)}>{s.name}</a>
                  {s.starts_on && <span className="muted"> · {s.starts_on} – {s.ends_on}</span>}
                </li>
              ))}
            </ul>
          </section>
        ))}
        {!sports.length && <p>No sports yet.</p>}
      </div>
    </div>
  )
}
