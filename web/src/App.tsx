import { useCallback, useEffect, useState } from 'react'
import { configureClient } from './api/client'
import { can, clearSession, loadSession, primaryRole, ROLE_LABELS, saveSession, type Session } from './lib/auth'
import { useRoute } from './lib/router'
import { SignIn } from './views/SignIn'
import { Home } from './views/Home'
import { SeasonDashboard } from './views/SeasonDashboard'
import { ScheduleView } from './views/ScheduleView'
import { JobView } from './views/JobView'
import { Compare } from './views/Compare'

function tokenFromFragment(): string | null {
  // the OIDC provider's implicit flow returns #id_token=...&access_token=...
  const h = window.location.hash
  if (!/[#&](id_token|access_token)=/.test(h)) return null
  const p = new URLSearchParams(h.slice(1))
  return p.get('id_token') ?? p.get('access_token')
}

export function App() {
  const [session, setSession] = useState<Session | null>(() => {
    const t = tokenFromFragment()
    if (t) { const s = saveSession(t); window.history.replaceState(null, '', window.location.pathname + '#/'); return s }
    return loadSession()
  })
  const route = useRoute()
  const signOut = useCallback(() => { clearSession(); setSession(null) }, [])
  configureClient(() => session?.token ?? null, signOut)

  useEffect(() => {
    const main = document.getElementById('main')
    if (main && document.activeElement === document.body) main.focus({ preventScroll: true })
  }, [route.path.join('/')])

  if (!session) {
    return (
      <main id="main" tabIndex={-1}>
        <SignIn onSignedIn={(t) => { const s = saveSession(t); setSession(s); return s }} />
      </main>
    )
  }
  const [first, id, sub] = route.path
  let page
  if (first === 'seasons' && id && sub === 'compare') page = <Compare seasonId={id} a={route.query.get('a')} b={route.query.get('b')} />
  else if (first === 'seasons' && id) page = <SeasonDashboard key={id} seasonId={id} session={session} />
  else if (first === 'schedules' && id) page = <ScheduleView key={id} scheduleId={id} session={session} initialView={(sub as 'grid') || 'grid'} />
  else if (first === 'jobs' && id && can(session, 'jobs')) page = <JobView key={id} jobId={id} session={session} />
  else page = <Home />
  const role = primaryRole(session)
  return (
    <>
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus() }}>Skip to content</a>
      <header className="top">
        <a href="#/" className="brand">FlexTime</a>
        <nav aria-label="Main">
          <ul>
            <li><a href="#/" aria-current={!first ? 'page' : undefined}>Seasons</a></li>
          </ul>
        </nav>
        <div className="who">
          <span className="role" aria-label="Signed in as">{role ? ROLE_LABELS[role] : 'No role'}</span>
          {!can(session, 'edit') && <span className="muted small"> (read-only)</span>}
          <button type="button" onClick={signOut}>Sign out</button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>{page}</main>
    </>
  )
}
