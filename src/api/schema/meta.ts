// Shapes from k8s.io/apimachinery meta/v1 that every kind shares: object and list metadata, selectors,
// delete options and the Status error body.
import { atomicStruct } from "./atomic.ts";
import {
  any,
  arr,
  bool,
  type GroupVersionKind,
  int32,
  int64,
  map,
  ref,
  type Schema,
  str,
  struct,
  time,
} from "./schema.ts";

const META = "io.k8s.apimachinery.pkg.apis.meta.v1";

/** `apiVersion` and `kind`, the TypeMeta every top-level object and list carries. */
export function typeMeta(): Record<string, Schema> {
  return {
    apiVersion: str("The versioned schema of this object, as group/version (or just version for the core group)."),
    kind: str("The REST kind this object represents, in CamelCase."),
  };
}

/** TypeMeta plus `metadata`: the opening fields of every top-level kind. */
export function objectHeader(
  metadataDescription = "Standard metadata: name, namespace, labels and the like.",
): Record<string, Schema> {
  return { ...typeMeta(), metadata: ref(ObjectMeta, metadataDescription) };
}

export const OwnerReference = atomicStruct(
  `${META}.OwnerReference`,
  "Points at an object that owns this one; dependents are garbage collected once their owners are gone.",
  () => ({
    apiVersion: str("API version of the owner."),
    blockOwnerDeletion: bool(
      "When true and the owner has the foregroundDeletion finalizer, the owner is not removed before this dependent is.",
    ),
    controller: bool("True when this owner is the managing controller; at most one owner may be."),
    kind: str("Kind of the owner."),
    name: str("Name of the owner."),
    uid: str("UID of the owner."),
  }),
  { required: ["apiVersion", "kind", "name", "uid"] },
);

export const ManagedFieldsEntry = struct(
  `${META}.ManagedFieldsEntry`,
  "Records which fields one manager owns, as tracked by server-side apply.",
  () => ({
    apiVersion: str("Version of the schema the field set refers to."),
    fieldsType: str('Format of the field set; only "FieldsV1" exists.'),
    fieldsV1: any("The owned field set, in the FieldsV1 trie format."),
    manager: str("Identifier of the workflow that manages these fields."),
    operation: str('Kind of operation that produced this entry: "Apply" or "Update".'),
    subresource: str("Subresource through which the fields were written, empty for the main resource."),
    time: time("When these fields were last changed by this manager."),
  }),
);

export const ObjectMeta = struct(
  `${META}.ObjectMeta`,
  "Metadata every persisted object has: identity, labels, annotations, ownership and lifecycle markers.",
  () => ({
    annotations: map(str(), "Free-form key/value data for tools; not used for selection."),
    creationTimestamp: time("When the server created the object; set by the server, read-only."),
    deletionGracePeriodSeconds: int64("Seconds the object is given to terminate once deletion was requested."),
    deletionTimestamp: time("When the object will be (or began to be) removed; set by the server on delete."),
    finalizers: arr(str(), "Names of actions that must finish before the object is removed from storage.", {
      patchStrategy: "merge",
      listType: "set",
    }),
    generateName: str("Prefix the server uses to generate a unique name when name is empty."),
    generation: int64("Sequence number of the desired state, bumped by the server on each spec change."),
    labels: map(str(), "Key/value pairs used to organise and select objects."),
    managedFields: arr(ManagedFieldsEntry, "Per-manager record of field ownership kept by server-side apply.", {
      listType: "atomic",
    }),
    name: str("Name unique within the namespace (or cluster, for cluster-scoped kinds)."),
    namespace: str("Namespace the object lives in; empty for cluster-scoped kinds."),
    ownerReferences: arr(OwnerReference, "Objects this one depends on, used by garbage collection.", {
      patchStrategy: "merge",
      patchMergeKey: "uid",
      listType: "map",
      listMapKeys: ["uid"],
    }),
    resourceVersion: str("Opaque version of this object, used for optimistic concurrency and watches."),
    selfLink: str("Deprecated and always empty."),
    uid: str("Unique identifier the server assigns at creation, never reused."),
  }),
);

export const ListMeta = struct(
  `${META}.ListMeta`,
  "Metadata of a list response: its version and how to continue a paginated read.",
  () => ({
    continue: str("Token to fetch the next page of a chunked list; empty on the last page."),
    remainingItemCount: int64("Estimate of items left after this page, when the server knows it."),
    resourceVersion: str("Version of the collection this list was read at, usable to start a watch."),
    selfLink: str("Deprecated and always empty."),
  }),
);

export const LabelSelectorRequirement = struct(
  `${META}.LabelSelectorRequirement`,
  "One label test: a key, an operator and, for In/NotIn, the values.",
  () => ({
    key: str("Label key the requirement tests."),
    operator: str("How the key relates to the values: In, NotIn, Exists or DoesNotExist."),
    values: arr(str(), "Values compared for In and NotIn; must be empty for Exists and DoesNotExist.", {
      listType: "atomic",
    }),
  }),
  { required: ["key", "operator"] },
);

export const LabelSelector = atomicStruct(
  `${META}.LabelSelector`,
  "Selects objects by labels; all given conditions must hold, and an empty selector matches everything.",
  () => ({
    matchExpressions: arr(LabelSelectorRequirement, "Label requirements that must all hold.", { listType: "atomic" }),
    matchLabels: map(str(), "Exact key/value pairs that must all be present."),
  }),
);

export const Preconditions = struct(
  `${META}.Preconditions`,
  "Conditions that must hold for a delete to go ahead.",
  () => ({
    resourceVersion: str("The object's resourceVersion must equal this."),
    uid: str("The object's UID must equal this."),
  }),
);

/** The groups loci serves; upstream tags DeleteOptions with every group version it accepts it in. */
const deleteOptionsGroups: GroupVersionKind[] = [
  "",
  "apps",
  "coordination.k8s.io",
  "events.k8s.io",
  "policy",
  "rbac.authorization.k8s.io",
  "scheduling.k8s.io",
].map((group) => ({ group, version: "v1", kind: "DeleteOptions" }));

export const DeleteOptions = struct(
  `${META}.DeleteOptions`,
  "Options for a delete request.",
  () => ({
    ...typeMeta(),
    dryRun: arr(str(), 'Set to ["All"] to run every stage of the request without persisting it.', {
      listType: "atomic",
    }),
    gracePeriodSeconds: int64("Seconds before the object is removed; zero means now, unset means the kind's default."),
    ignoreStoreReadErrorWithClusterBreakingPotential: bool(
      "Forces removal of an object whose stored data cannot be read or decoded; unsafe.",
    ),
    orphanDependents: bool("Deprecated: whether dependents are orphaned; use propagationPolicy."),
    preconditions: ref(Preconditions, "Conditions that must hold before the delete proceeds."),
    propagationPolicy: str("How dependents are garbage collected: Orphan, Background or Foreground."),
  }),
  { gvk: deleteOptionsGroups },
);

export const StatusCause = struct(
  `${META}.StatusCause`,
  "One specific reason an operation failed, often tied to a field.",
  () => ({
    field: str("Path of the field at fault, such as spec.containers[0].name."),
    message: str("Human-readable explanation of this cause."),
    reason: str("Machine-readable cause, such as FieldValueRequired."),
  }),
);

export const StatusDetails = struct(
  `${META}.StatusDetails`,
  "Extra data about a failed operation and the object it concerned.",
  () => ({
    causes: arr(StatusCause, "Individual causes of the failure.", { listType: "atomic" }),
    group: str("API group of the object concerned."),
    kind: str("Kind of the object concerned."),
    name: str("Name of the object concerned."),
    retryAfterSeconds: int32("Seconds the client should wait before retrying."),
    uid: str("UID of the object concerned."),
  }),
);

export const Status = struct(
  `${META}.Status`,
  "Result of an operation that returns no object, most often an error.",
  () => ({
    ...typeMeta(),
    code: int32("HTTP status code of this result."),
    details: ref(StatusDetails, "Extra data about the failure, depending on the reason."),
    message: str("Human-readable description of the result."),
    metadata: ref(ListMeta, "Standard list metadata."),
    reason: str("Machine-readable reason, such as NotFound or Conflict; empty when none applies."),
    status: str('"Success" or "Failure".'),
  }),
  { gvk: [{ group: "", version: "v1", kind: "Status" }] },
);
