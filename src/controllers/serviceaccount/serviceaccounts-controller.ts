// The service accounts controller (upstream pkg/controller/serviceaccount/serviceaccounts_controller.go): every
// active namespace has a `default` ServiceAccount, created when the namespace appears and again whenever it is
// deleted. Terminating namespaces are left alone (the server would refuse new content anyway).
import { ApiError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import { type ApiClient, NAMESPACES, SERVICE_ACCOUNTS } from "../../client/client.ts";
import type { Controller, ControllerContext } from "../runtime/controller.ts";
import type { Informer } from "../runtime/informer.ts";
import { runWorkers, WorkQueue } from "../runtime/workqueue.ts";

export const DEFAULT_SERVICE_ACCOUNTS = ["default"];
const WORKERS = 1;

/** Upstream ensures accounts only in namespaces whose phase is Active. */
export function wantsServiceAccounts(ns: KubeObject): boolean {
  return !ns.metadata.deletionTimestamp && (ns.status?.phase ?? "Active") === "Active";
}

export class ServiceAccountsController implements Controller {
  readonly name = "serviceaccount-controller";
  private readonly client: ApiClient;
  private readonly namespaces: Informer;
  private readonly accounts: Informer;
  private readonly queue: WorkQueue;
  private workers?: Promise<void>;

  constructor(
    ctx: ControllerContext,
    private readonly opts: { names?: string[]; onError?: (key: string, err: unknown) => void } = {},
  ) {
    this.client = ctx.client;
    this.namespaces = ctx.informers.informer(NAMESPACES);
    this.accounts = ctx.informers.informer(SERVICE_ACCOUNTS);
    this.queue = new WorkQueue({ clock: ctx.clock });
  }

  private get names(): string[] {
    return this.opts.names ?? DEFAULT_SERVICE_ACCOUNTS;
  }

  start(): void {
    const enqueueNs = (ns: KubeObject) => this.queue.add(ns.metadata.name!);
    this.namespaces.addHandlers({ onAdd: enqueueNs, onUpdate: (_old, cur) => enqueueNs(cur) });
    this.accounts.addHandlers({
      onDelete: (sa) => {
        if (this.names.includes(sa.metadata.name!)) this.queue.add(sa.metadata.namespace!);
      },
    });
    this.workers = runWorkers(this.queue, WORKERS, (ns) => this.sync(ns), this.opts.onError);
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }

  private async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.get("", namespace);
    if (!ns || !wantsServiceAccounts(ns)) return;
    for (const name of this.names) {
      if (this.accounts.get(namespace, name)) continue;
      try {
        await this.client.create(SERVICE_ACCOUNTS, namespace, { metadata: { name } });
      } catch (e) {
        if (e instanceof ApiError && e.code === 409) continue;
        // The namespace began terminating in the meantime: nothing to add there.
        if (e instanceof ApiError && e.details?.causes?.some((c) => c.reason === "NamespaceTerminating")) continue;
        if (e instanceof ApiError && e.code === 404) continue;
        throw e;
      }
    }
  }
}
