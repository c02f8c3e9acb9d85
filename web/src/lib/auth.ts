// The signed-in user: a bearer token (OIDC provider in AWS, `flextime token` / dev sign-in locally)
// and what its claims say. The API is the authority; the roles here only shape the navigation.

export type Role = 'conference_admin' | 'scheduler' | 'school_staff' | 'viewer'
export const ROLES: Role[] = ['conference_admin', 'scheduler', 'school_staff', 'viewer']
export const ROLE_LABELS: Record<Role, string> = {
  conference_admin: 'Conference admin',
  scheduler: 'Scheduler',
  school_staff: 'School staff',
  viewer: 'Viewer',
}

export interface Session {
  token: string
  roles: Role[]
  tenantId: string
  userId: string
  expiresAt: number // ms since epoch; 0 = unknown
}

const KEY = 'flextime.token'
const ROLE_CLAIMS = ['cognito:groups', 'roles', 'groups']
const TENANT_CLAIMS = ['custom:tenant_id', 'tenant_id']

function b64urlDecode(s: string): string {
  const pad = s.length % 4 ? '='.repeat(4 - (s.length % 4)) : ''
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/') + pad)
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0))
  return new TextDecoder().decode(bytes)
}

/** Read a JWT's claims without verifying it (the API verifies every request). */
export function parseToken(token: string): Session | null {
  const parts = token.trim().split('.')
  if (parts.length !== 3) return null
  try {
    const claims = JSON.parse(b64urlDecode(parts[1])) as Record<string, unknown>
    let raw: unknown = []
    for (const c of ROLE_CLAIMS) if (claims[c] !== undefined) { raw = claims[c]; break }
    const list = Array.isArray(raw) ? raw : String(raw).split(/[\s,]+/)
    const roles = list.filter((r): r is Role => ROLES.includes(r as Role))
    let tenantId = ''
    for (const c of TENANT_CLAIMS) if (typeof claims[c] === 'string') { tenantId = claims[c] as string; break }
    const exp = typeof claims.exp === 'number' ? claims.exp * 1000 : 0
    return { token: token.trim(), roles, tenantId, userId: String(claims.sub ?? ''), expiresAt: exp }
  } catch {
    return null
  }
}

export function loadSession(now = Date.now()): Session | null {
  const t = sessionStorage.getItem(KEY)
  if (!t) return null
  const s = parseToken(t)
  if (!s || (s.expiresAt && s.expiresAt < now)) {
    sessionStorage.removeItem(KEY)
    return null
  }
  return s
}

export function saveSession(token: string): Session | null {
  const s = parseToken(token)
  if (s) sessionStorage.setItem(KEY, s.token)
  return s
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY)
}

/** What a role may do (mirrors the API's EDITORS / STAFF / EVERYONE sets). */
export function can(session: Session | null, what: 'edit' | 'solve' | 'publish' | 'comment' | 'jobs' | 'drafts'): boolean {
  if (!session) return false
  const r = new Set(session.roles)
  const editor = r.has('conference_admin') || r.has('scheduler')
  const staff = editor || r.has('school_staff')
  switch (what) {
    case 'edit':
    case 'solve':
    case 'publish':
      return editor
    case 'comment':
    case 'jobs':
    case 'drafts':
      return staff
  }
}

export function primaryRole(session: Session | null): Role | null {
  if (!session) return null
  return ROLES.find((r) => session.roles.includes(r)) ?? null
}
