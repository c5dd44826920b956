import type { StepReport } from './realtime-clients';
import { judgeStep } from './realtime-verdict';

const limits = { p99Ms: 100, clientCpuPct: 90, clientEldMs: 50 };
const client = (latencies: number[], over: Partial<StepReport> = {}): StepReport => ({
  latencies,
  cpuPct: 20,
  eldP99Ms: 5,
  eldMaxMs: 10,
  disconnects: 0,
  ...over,
});
const fast = (n: number) => Array.from({ length: n }, (_, i) => (i % 10) + 1);

describe('judgeStep', () => {
  it('passes a step that delivered everything with p99 under the limit', () => {
    const v = judgeStep(200, 0, [client(fast(100)), client(fast(100))], limits);
    expect(v).toMatchObject({ received: 200, lost: 0, ok: true, clientBottleneck: false });
    expect(v.p99).toBeLessThan(100);
  });

  it('fails a step that lost deliveries, and counts them across the client processes', () => {
    const v = judgeStep(200, 0, [client(fast(100)), client(fast(97))], limits);
    expect(v).toMatchObject({ received: 197, lost: 3, ok: false });
  });

  it('fails a step whose p99 reaches the limit even with nothing lost', () => {
    const slow = [...fast(95), 100, 150, 200, 250, 300];
    expect(judgeStep(100, 0, [client(slow)], limits)).toMatchObject({ lost: 0, ok: false, p99: 250 });
  });

  it('fails a step with a failed publish or nothing received', () => {
    expect(judgeStep(100, 1, [client(fast(100))], limits).ok).toBe(false);
    expect(judgeStep(0, 0, [client([])], limits).ok).toBe(false);
  });

  it('names the client the bottleneck when a client process is near a full core or its loop lags', () => {
    expect(judgeStep(10, 0, [client(fast(10)), client([], { cpuPct: 95 })], limits)).toMatchObject({
      clientBottleneck: true,
      clientCpuPct: 95,
    });
    expect(judgeStep(10, 0, [client(fast(10), { eldP99Ms: 80 })], limits).clientBottleneck).toBe(true);
  });
});
