// A simulation worker thread: runs the specs the main thread hands it, one at a time, and posts each
// row back. Runs are independent and seeded, so splitting them over threads changes no figure.
import { parentPort } from 'node:worker_threads'
import { runOne, type RunSpec } from './world.ts'

parentPort?.on('message', (msg: { index: number, spec: RunSpec } | null) => {
  if (msg == null) { parentPort?.close(); return }
  parentPort?.postMessage({ index: msg.index, row: runOne(msg.spec) })
})
