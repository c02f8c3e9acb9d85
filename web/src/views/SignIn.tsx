import { useEffect, useState } from 'react'
import { api } from '../api/client'
import { ROLES, ROLE_LABELS, type Role, type Session, parseToken } from '../lib/auth'
import { ErrorNote } from '../components/ui'

/**
 * Sign-in. In AWS the OIDC provider's hosted page (VITE_OIDC_AUTHORIZE_URL) returns an ID token
 * in the URL fragment; locally a dev sign-in mints a token for a seeded demo user of the chosen
 * role (the API's /v1/dev/token, on only under `flextime serve`), or a token from
 * `flextime token --role scheduler --tenant big12` is pasted.
 */
export function SignIn({ onSignedIn }: { onSignedIn: (token: string) => Session | null }) {
  const [dev, setDev] = useState<{ tenants: string[] } | null>(null)
  const [role, setRole] = useState<Role>('scheduler')
  const [tenant, setTenant] = useState('big12')
  const [pasted, setPasted] = useState('')
  const [error, setError] = useState<Error | null>(null)
  const [busy, setBusy] = useState(false)
  const oidc = import.meta.env.VITE_OIDC_AUTHORIZE_URL as string | undefined

  useEffect(() => {
    api.devInfo().then(
      (d) => { setDev(d); if (d.tenants.length && !d.tenants.includes('big12')) setTenant(d.tenants[0]) },
      () => setDev(null),
    )
  }, [])

  const devSignIn = async (e: React.FormEvent) => {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const t = await api.devToken(role, tenant)
      if (!onSignedIn(t.token)) setError(new Error('the token could not be read'))
    } catch (err) {
      setError(err as Error)
    } finally {
      setBusy(false)
    }
  }
  const pasteSignIn = (e: React.FormEvent) => {
    e.preventDefault()
    if (!parseToken(pasted)) return setError(new Error('that is not a JWT (three dot-separated parts)'))
    if (!onSignedIn(pasted)) setError(new Error('the token could not be read'))
  }
  const startOidc = () => {
    const url = new URL(oidc as string)
    url.searchParams.set('response_type', 'token')
    url.searchParams.set('redirect_uri', window.location.origin + window.location.pathname)
    window.location.assign(url.toString())
  }

  return (
    <div className="signin">
      <h1>Sign in to FlexTime</h1>
      <ErrorNote error={error} />
      {oidc && (
        <section aria-labelledby="oidc-h" className="card">
          <h2 id="oidc-h">Conference account</h2>
          <button type="button" className="primary" onClick={startOidc}>
            Sign in with your conference account
          </button>
        </section>
      )}
      {dev && (
        <section aria-labelledby="dev-h" className="card">
          <h2 id="dev-h">Local demo sign-in</h2>
          <p className="muted">Signs in as a seeded demo user (local `flextime serve` only).</p>
          <form onSubmit={devSignIn} className="form-row">
            <label>
              Role
              <select value={role} onChange={(e) => setRole(e.target.value as Role)} name="role">
                {ROLES.map((r) => (
                  <option key={r} value={r}>{ROLE_LABELS[r]}</option>
                ))}
              </select>
            </label>
            {dev.tenants.length > 1 && (
              <label>
                Tenant
                <select value={tenant} onChange={(e) => setTenant(e.target.value)}>
                  {dev.tenants.map((t) => <option key={t}>{t}</option>)}
                </select>
              </label>
            )}
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Signing in…' : 'Sign in'}
            </button>
          </form>
        </section>
      )}
      <section aria-labelledby="paste-h" className="card">
        <h2 id="paste-h">Use a token</h2>
        <form onSubmit={pasteSignIn}>
          <label htmlFor="token-input">
            Bearer token (e.g. from <code>flextime token --role scheduler --tenant big12</code>)
          </label>
          <textarea id="token-input" rows={3} value={pasted} onChange={(e) => setPasted(e.target.value)} spellCheck={false} />
          <button type="submit">Sign in with token</button>
        </form>
      </section>
    </div>
  )
}
