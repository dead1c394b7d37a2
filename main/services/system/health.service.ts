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
  private listeners = new Set<(all: ServiceHealth[]) => void>();
  private timer: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly now: () => Date = () => new Date()) {}

  register(name: string, probe: () => HealthReport): () => void {
    this.probes.set(name, probe);
    this.poll();
    return () => {
      this.probes.delete(name);
      this.last.delete(name);
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
    for (const name of this.probes.keys()) {
      const before = this.last.get(name);
      const after = this.read(name);
      if (!before || before.state !== after.state || before.detail !== after.detail) changed = true;
    }
    if (changed) {
      const all = this.snapshot();
      for (const l of [...this.listeners]) l(all);
    }
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
