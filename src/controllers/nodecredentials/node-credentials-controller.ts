// Ties each node credential to its Node: once the Node exists, the credential's Secret gets an ownerReference to
// it, so deleting the Node lets the garbage collector delete the Secret, which revokes the credential (the
// authenticator accepts only credentials whose Secret exists). A credential whose Node does not exist yet (the
// agent is still registering) is left alone.
import { ApiError } from "../../api/errors.ts";
import type { KubeObject } from "../../api/object.ts";
import { NODE_CREDENTIAL_TYPE, nodeCredentialSecretName } from "../../apiserver/auth/authenticator.ts";
import { type ApiClient, NODES, SECRETS } from "../../client/client.ts";
import type { Controller, ControllerContext } from "../runtime/controller.ts";
import type { Informer } from "../runtime/informer.ts";
import { runWorkers, WorkQueue } from "../runtime/workqueue.ts";

const NAMESPACE = "kube-system";

/** The credential Secret's ownerReferences with the Node as owner, or undefined when already so. */
export function ownedByNode(
  secret: KubeObject,
  node: KubeObject,
): KubeObject["metadata"]["ownerReferences"] | undefined {
  const refs = secret.metadata.ownerReferences ?? [];
  if (refs.some((r) => r.kind === "Node" && r.uid === node.metadata.uid)) return undefined;
  const others = refs.filter((r) => !(r.kind === "Node" && r.name === node.metadata.name));
  return [...others, { apiVersion: "v1", kind: "Node", name: node.metadata.name ?? "", uid: node.metadata.uid ?? "" }];
}

export class NodeCredentialsController implements Controller {
  readonly name = "node-credential-controller";
  private readonly client: ApiClient;
  private readonly nodes: Informer;
  private readonly secrets: Informer;
  private readonly queue: WorkQueue;
  private workers?: Promise<void>;

  constructor(ctx: ControllerContext) {
    this.client = ctx.client;
    this.nodes = ctx.informers.informer(NODES);
    this.secrets = ctx.informers.informer(SECRETS);
    this.queue = new WorkQueue({ clock: ctx.clock });
  }

  start(): void {
    const enqueueNode = (n: KubeObject) => this.queue.add(n.metadata.name ?? "");
    this.nodes.addHandlers({ onAdd: enqueueNode, onUpdate: (_o, n) => enqueueNode(n) });
    const enqueueSecret = (s: KubeObject) => {
      if ((s as any).type !== NODE_CREDENTIAL_TYPE || s.metadata.namespace !== NAMESPACE) return;
      const node = Buffer.from((s as any).data?.node ?? "", "base64").toString("utf8");
      if (node) this.queue.add(node);
    };
    this.secrets.addHandlers({ onAdd: enqueueSecret, onUpdate: (_o, s) => enqueueSecret(s) });
    this.workers = runWorkers(this.queue, 1, (node) => this.sync(node));
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.workers;
  }

  private async sync(nodeName: string): Promise<void> {
    const node = this.nodes.get("", nodeName);
    const secret = this.secrets.get(NAMESPACE, nodeCredentialSecretName(nodeName));
    if (!node || !secret || node.metadata.deletionTimestamp) return;
    const ownerReferences = ownedByNode(secret, node);
    if (!ownerReferences) return;
    try {
      await this.client.patch(SECRETS, NAMESPACE, secret.metadata.name ?? "", "merge", {
        metadata: { ownerReferences, resourceVersion: secret.metadata.resourceVersion },
      });
    } catch (e) {
      // Changed meanwhile: the update event brings it back; gone: nothing to own.
      if (e instanceof ApiError && (e.code === 409 || e.code === 404)) return;
      throw e;
    }
  }
}
