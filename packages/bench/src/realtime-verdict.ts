import type { StepReport } from './realtime-clients';
import { quantile } from './report';

/** The limits a realtime step is judged by. */
export interface VerdictLimits {
  /** Delivery p99 must stay under this (ms). */
  p99Ms: number;
  /** A client process at this CPU (% of one core) or event-loop delay p99 (ms) was the bottleneck. */
  clientCpuPct: number;
  clientEldMs: number;
}

/** A step's figures, from what the client processes saw. */
export interface Verdict {
  received: number;
  /** Expected deliveries that never arrived. */
  lost: number;
  p50: number;
  p99: number;
  /** The busiest client process's CPU and event-loop delay p99. */
  clientCpuPct: number;
  clientEldP99Ms: number;
  clientBottleneck: boolean;
  disconnects: number;
  /** Kept up: every publish went through, nothing lost, p99 under the limit. */
  ok: boolean;
}

/** Judges a step: `expected` deliveries (events × sockets in their room), the client processes' reports. */
export function judgeStep(
  expected: number,
  publishErrors: number,
  reports: readonly StepReport[],
  limits: VerdictLimits,
): Verdict {
  const latencies = reports.flatMap((r) => r.latencies);
  const received = latencies.length;
  const lost = Math.max(0, expected - received);
  const p99 = quantile(latencies, 0.99);
  const clientCpuPct = Math.max(...reports.map((r) => r.cpuPct));
  const clientEldP99Ms = Math.max(...reports.map((r) => r.eldP99Ms));
  return {
    received,
    lost,
    p50: quantile(latencies, 0.5),
    p99,
    clientCpuPct,
    clientEldP99Ms,
    clientBottleneck: clientCpuPct >= limits.clientCpuPct || clientEldP99Ms >= limits.clientEldMs,
    disconnects: reports.reduce((n, r) => n + r.disconnects, 0),
    ok: publishErrors === 0 && lost === 0 && received > 0 && p99 < limits.p99Ms,
  };
}
