import { useState } from 'react'
import { api } from '../api/client'
import { useLoad } from '../lib/hooks'
import { ErrorNote } from './ui'

const MENTION = /(@[\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)/g

/** Split a comment into text and @mentions (rendered highlighted). */
export function mentionParts(body: string): { text: string; mention: boolean }[] {
  return body.split(MENTION).map((text, i) => ({ text, mention: i % 2 === 1 })).filter((p) => p.text)
}

/** Comments on one entity (a schedule version, or a game of it); @name notifies that user. */
export function Comments({ entityType, entityId, title, canPost }: { entityType: string; entityId: string; title: string; canPost: boolean }) {
  const [body, setBody] = useState('')
  const [error, setError] = useState<Error | null>(null)
  const [busy, setBusy] = useState(false)
  const data = useLoad(async () => {
    const threads = await api.threads(entityType, entityId)
    const thread = threads.items[0] ?? null
    const comments = thread ? (await api.comments(thread.id)).items : []
    return { thread, comments }
  }, [entityType, entityId])
  const post = async (e: React.FormEvent) => {
    e.preventDefault()
    if (!body.trim()) return
    setBusy(true)
    setError(null)
    try {
      const thread = data.data?.thread ?? (await api.startThread(entityType, entityId, title))
      await api.addComment(thread.id, body)
      setBody('')
      data.reload()
    } catch (err) {
      setError(err as Error)
    } finally {
      setBusy(false)
    }
  }
  const id = `c-${entityType}-${entityId}`.replace(/[^\w-]/g, '_')
  return (
    <section className="card comments" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Comments: {title}</h2>
      <ErrorNote error={data.error ?? error} />
      <ul className="plain">
        {(data.data?.comments ?? []).map((c) => (
          <li key={c.id} className="comment">
            <time className="muted small" dateTime={c.created_at}>{new Date(c.created_at).toLocaleString()}</time>
            <p>{mentionParts(c.body).map((p, i) => (p.mention ? <mark key={i} className="mention">{p.text}</mark> : <span key={i}>{p.text}</span>))}</p>
          </li>
        ))}
        {data.data && !data.data.comments.length && <li className="muted">No comments yet.</li>}
      </ul>
      {canPost && (
        <form onSubmit={post}>
          <label htmlFor={`${id}-body`}>Add a comment (mention someone with @name, e.g. @scheduler)</label>
          <textarea id={`${id}-body`} rows={2} value={body} onChange={(e) => setBody(e.target.value)} />
          <button type="submit" disabled={busy || !body.trim()}>{busy ? 'Posting…' : 'Post comment'}</button>
        </form>
      )}
    </section>
  )
}
