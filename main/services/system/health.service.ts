import type { ServiceHealth, HealthState } from '../../../shared/contracts/system.contract';

export interface HealthReport {
  state: HealthState;
  detail: string;
}

/**
 * Health of every main-process service. Each service registers a probe; the registry keeps when
 * each state began and tells listeners when any state or detail changes (checked on `poll()`).
 */
export class HealthRegistry {
  private probes = new Map<string, () => HealthReport>();
  private last = new Map<string, ServiceHealth>();
  /** What listeners were last told, per service (reads by `snapshot()` must not hide a change from them). */
  private published = new Map<string, string>();
  private listeners = new Set<(all: ServiceHealth[]) => void>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly now: () => Date = () => new Date()) {}

  register(name: string, probe: () => HealthReport): () => void {
    this.probes.set(name, probe);
    this.poll();
    return () => {
      this.probes.delete(name);
      this.last.delete(name);
      this.published.delete(name);
    };
  }

  snapshot(): ServiceHealth[] {
    return [...this.probes.keys()].sort().map((n) => this.read(n));
  }

  onChange(listener: (all: ServiceHealth[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-read every probe; notify if anything changed. */
  poll(): void {
    let changed = false;
    const all = this.snapshot();
    for (const h of all) {
      const key = `${h.state}\u0000${h.detail}`;
      if (this.published.get(h.name) !== key) {
        this.published.set(h.name, key);
        changed = true;
      }
    }
    if (changed) for (const l of [...this.listeners]) l(all);
  }

  start(intervalMs = 1000): void {
    this.timer ??= setInterval(() => this.poll(), intervalMs);
    this.timer.unref?.();
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.listeners.clear();
    this.probes.clear();
  }

  private read(name: string): ServiceHealth {
    let report: HealthReport;
    try {
      report = this.probes.get(name)!();
    } catch (err) {
      report = { state: 'down', detail: `probe failed: ${(err as Error).message}` };
    }
    const prev = this.last.get(name);
    const since = prev && prev.state === report.state ? prev.since : this.now().toISOString();
    const h: ServiceHealth = { name, state: report.state, detail: report.detail, since };
    this.last.set(name, h);
    return h;
  }
}
