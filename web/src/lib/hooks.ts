import { useCallback, useEffect, useRef, useState } from 'react'
import { ApiError } from '../api/client'

export interface Loaded<T> {
  data: T | undefined
  error: ApiError | Error | null
  loading: boolean
  reload: () => void
  setData: (d: T) => void
}

/** Load once per `deps` change; `reload()` loads again. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T>()
  const [error, setError] = useState<ApiError | Error | null>(null)
  const [loading, setLoading] = useState(true)
  const [tick, setTick] = useState(0)
  const current = useRef(0)
  useEffect(() => {
    const id = ++current.current
    setLoading(true)
    load().then(
      (d) => { if (id === current.current) { setData(d); setError(null); setLoading(false) } },
      (e: Error) => { if (id === current.current) { setError(e); setLoading(false) } },
    )
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick])
  const reload = useCallback(() => setTick((t) => t + 1), [])
  return { data, error, loading, reload, setData }
}

/** Call `fn` every `ms` while `active`. */
export function useInterval(fn: () => void, ms: number, active: boolean): void {
  const saved = useRef(fn)
  saved.current = fn
  useEffect(() => {
    if (!active) return
    const t = setInterval(() => saved.current(), ms)
    return () => clearInterval(t)
  }, [ms, active])
}

/** Save a text (or a fetched file) as a file through a temporary link (never rendered here:
 *  an HTML report opened as a blob would run in the SPA's origin). */
export function download(filename: string, text: string | Blob, type: string): void {
  const url = URL.createObjectURL(typeof text === 'string' ? new Blob([text], { type }) : text)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
