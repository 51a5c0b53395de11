// An ApiClient for property tests whose watch events reach the caller late: every event is held `delayMs` and
// then delivered in the order the server sent it (one FIFO across all watches, so cross-resource order is kept
// too). Reads and writes go straight through, so a controller on top of it acts on a view that lags the server.
import type { KubeObject } from "../../api/object.ts";
import type {
  ApiClient,
  DeleteOptions,
  ListOptions,
  ObjectList,
  PatchType,
  ResourceRef,
  Watch,
  WatchEvent,
  WatchOptions,
  WriteOptions,
} from "../../client/client.ts";

interface Held {
  received: number;
  due: number;
  deliver: () => void;
}

export class DelayedWatchClient implements ApiClient {
  private readonly held: Held[] = [];
  private head = 0;
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly inner: ApiClient,
    readonly delayMs: number,
  ) {}

  /** Watch events received from the server and not yet handed on. */
  get pending(): number {
    return this.held.length - this.head;
  }

  /**
   * The moment of the server's history the caller's caches show: everything received before it has been
   * handed on, nothing received after it. (Now, when nothing is held.)
   */
  viewAsOf(): number {
    return this.pending === 0 ? performance.now() : this.held[this.head].received;
  }

  get<T extends KubeObject = KubeObject>(res: ResourceRef, namespace: string, name: string): Promise<T> {
    return this.inner.get<T>(res, namespace, name);
  }

  list<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    namespace: string,
    opts?: ListOptions,
  ): Promise<ObjectList<T>> {
    return this.inner.list<T>(res, namespace, opts);
  }

  create<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    namespace: string,
    obj: KubeObject,
    opts?: WriteOptions & { subresource?: string; name?: string },
  ): Promise<T> {
    return this.inner.create<T>(res, namespace, obj, opts);
  }

  update<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    namespace: string,
    obj: KubeObject,
    opts?: WriteOptions & { subresource?: string },
  ): Promise<T> {
    return this.inner.update<T>(res, namespace, obj, opts);
  }

  patch<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    namespace: string,
    name: string,
    type: PatchType,
    patch: unknown,
    opts?: WriteOptions & { subresource?: string },
  ): Promise<T> {
    return this.inner.patch<T>(res, namespace, name, type, patch, opts);
  }

  delete(res: ResourceRef, namespace: string, name: string, opts?: DeleteOptions): Promise<KubeObject> {
    return this.inner.delete(res, namespace, name, opts);
  }

  bind(namespace: string, podName: string, nodeName: string, podUid?: string): Promise<void> {
    return this.inner.bind(namespace, podName, nodeName, podUid);
  }

  async watch<T extends KubeObject = KubeObject>(
    res: ResourceRef,
    namespace: string,
    opts: WatchOptions,
    onEvent: (ev: WatchEvent<T>) => void,
  ): Promise<Watch> {
    let stopped = false;
    let outstanding = 0;
    const drained: Array<() => void> = [];
    const w = await this.inner.watch<T>(res, namespace, opts, (ev) => {
      outstanding++;
      this.hold(() => {
        outstanding--;
        try {
          if (!stopped && !this.closed) onEvent(ev);
        } finally {
          if (outstanding === 0) for (const r of drained.splice(0)) r();
        }
      });
    });
    // The stream only ends for the caller once its held events are out: a re-watch from the caller's last
    // resourceVersion must not overtake them.
    const done = w.done.then(
      () =>
        new Promise<void>((r) => {
          if (outstanding === 0) r();
          else drained.push(r);
        }),
    );
    return {
      stop: () => {
        stopped = true;
        w.stop();
      },
      done,
    };
  }

  /** Stops delivering (held events are dropped); the wrapped client stays open, it is not ours. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const rest = this.held.splice(this.head);
    this.held.length = 0;
    this.head = 0;
    for (const h of rest) h.deliver();
  }

  private hold(deliver: () => void): void {
    if (this.closed) {
      deliver();
      return;
    }
    const now = performance.now();
    this.held.push({ received: now, due: now + this.delayMs, deliver });
    if (!this.timer) this.arm();
  }

  private arm(): void {
    if (this.pending === 0) return;
    const wait = Math.max(0, this.held[this.head].due - performance.now());
    this.timer = setTimeout(() => this.release(), wait);
  }

  private release(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.head < this.held.length && this.held[this.head].due <= now) {
      const h = this.held[this.head++];
      h.deliver();
    }
    if (this.head === this.held.length) {
      this.held.length = 0;
      this.head = 0;
    }
    this.arm();
  }
}
