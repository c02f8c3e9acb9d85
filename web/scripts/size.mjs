// Bundle size: raw and gzip of every file in dist/ (the target: < 500 kB gzip in all).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

const root = new URL('../dist/', import.meta.url).pathname
const files = []
const walk = (d) => {
  for (const f of readdirSync(d)) {
    const p = join(d, f)
    if (statSync(p).isDirectory()) walk(p)
    else files.push(p)
  }
}
walk(root)
let raw = 0
let gz = 0
for (const f of files) {
  const b = readFileSync(f)
  const g = gzipSync(b, { level: 9 }).length
  raw += b.length
  gz += g
  console.log(`${f.slice(root.length).padEnd(40)} ${String(b.length).padStart(9)} B  ${String(g).padStart(8)} B gzip`)
}
console.log(`total ${(raw / 1024).toFixed(1)} kB, ${(gz / 1024).toFixed(1)} kB gzip (target < 500 kB gzip)`)
if (gz > 500 * 1024) {
  console.error('bundle over the 500 kB gzip budget')
  process.exit(1)
}
