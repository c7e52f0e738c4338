/**
 * A bound on requests in flight per origin, handed out longest chain first. Requests beyond the bound wait, and the
 * one whose chain is estimated longest (its depth so far plus the requests known to follow it) goes next: that one
 * is likeliest on the run's critical path, so a login's next hop is not queued behind one-shot probes that arrived
 * earlier. Equal lengths keep their order.
 */
interface Waiter {
  length: number;
  go: () => void;
}

interface Host {
  active: number;
  waiting: Waiter[];
  draining: boolean;
}

export class HostGate {
  private readonly hosts = new Map<string, Host>();

  constructor(private readonly limit: number) {}

  async run<T>(origin: string, length: number, work: () => Promise<T>): Promise<T> {
    const host = this.hosts.get(origin) ?? { active: 0, waiting: [], draining: false };
    this.hosts.set(origin, host);
    // Admission waits for the rest of this turn of the event loop, so requests that arrive together (every flow
    // that awaited discovery) are ordered by length before any is sent.
    await new Promise<void>((go) => {
      host.waiting.push({ length, go });
      if (!host.draining) {
        host.draining = true;
        setImmediate(() => this.admit(host));
      }
    });
    try {
      return await work();
    } finally {
      host.active--;
      this.admit(host);
    }
  }

  /** Free slots go to the longest waiting chains. */
  private admit(host: Host): void {
    host.draining = false;
    while (host.active < this.limit && host.waiting.length > 0) {
      const longest = host.waiting.reduce((best, w, i) => (w.length > host.waiting[best]!.length ? i : best), 0);
      host.active++;
      host.waiting.splice(longest, 1)[0]!.go();
    }
  }
}
