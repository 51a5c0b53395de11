// The core (legacy, group "") v1 kinds loci serves and every struct they reach, shaped exactly like
// upstream k8s 1.33 core/v1 (field names, formats, enums, required lists and patch metadata).
import { atomicStruct } from "./atomic.ts";
import { LabelSelector, ObjectMeta, objectHeader } from "./meta.ts";
import {
  arr,
  bool,
  bytes,
  int32,
  int64,
  intOrString,
  map,
  quantity,
  ref,
  type Schema,
  str,
  struct,
  time,
} from "./schema.ts";

const CORE = "io.k8s.api.core.v1";
const coreKind = (kind: string) => [{ group: "", version: "v1", kind }];

// Enum value lists, sorted the way upstream OpenAPI publishes them.
const PULL_POLICY = ["Always", "IfNotPresent", "Never"];
export const PROTOCOL = ["SCTP", "TCP", "UDP"];
const TERMINATION_MESSAGE_POLICY = ["FallbackToLogsOnError", "File"];
const RESTART_POLICY = ["Always", "Never", "OnFailure"];
const DNS_POLICY = ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"];
export const PREEMPTION_POLICY = ["Never", "PreemptLowerPriority"];
const POD_PHASE = ["Failed", "Pending", "Running", "Succeeded", "Unknown"];
const QOS_CLASS = ["BestEffort", "Burstable", "Guaranteed"];
const FS_GROUP_CHANGE_POLICY = ["Always", "OnRootMismatch"];
const SUPPLEMENTAL_GROUPS_POLICY = ["Merge", "Strict"];
const PROC_MOUNT = ["Default", "Unmasked"];
const PROFILE_TYPE = ["Localhost", "RuntimeDefault", "Unconfined"];
const URI_SCHEME = ["HTTP", "HTTPS"];
const TAINT_EFFECT = ["NoExecute", "NoSchedule", "PreferNoSchedule"];
const TOLERATION_OPERATOR = ["Equal", "Exists"];
const NODE_SELECTOR_OPERATOR = ["DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"];
const UNSATISFIABLE_ACTION = ["DoNotSchedule", "ScheduleAnyway"];
const NODE_INCLUSION_POLICY = ["Honor", "Ignore"];
const MOUNT_PROPAGATION = ["Bidirectional", "HostToContainer", "None"];
export const HOST_PATH_TYPE = [
  "",
  "BlockDevice",
  "CharDevice",
  "Directory",
  "DirectoryOrCreate",
  "File",
  "FileOrCreate",
  "Socket",
];
const VOLUME_MODE = ["Block", "Filesystem"];
const ACCESS_MODE = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
const AZURE_CACHING_MODE = ["None", "ReadOnly", "ReadWrite"];
const AZURE_DISK_KIND = ["Dedicated", "Managed", "Shared"];
const NODE_PHASE = ["Pending", "Running", "Terminated"];
const NAMESPACE_PHASE = ["Active", "Terminating"];
const SIGNAL = [
  "SIGABRT",
  "SIGALRM",
  "SIGBUS",
  "SIGCHLD",
  "SIGCLD",
  "SIGCONT",
  "SIGFPE",
  "SIGHUP",
  "SIGILL",
  "SIGINT",
  "SIGIO",
  "SIGIOT",
  "SIGKILL",
  "SIGPIPE",
  "SIGPOLL",
  "SIGPROF",
  "SIGPWR",
  "SIGQUIT",
  "SIGRTMAX",
  "SIGRTMAX-1",
  "SIGRTMAX-10",
  "SIGRTMAX-11",
  "SIGRTMAX-12",
  "SIGRTMAX-13",
  "SIGRTMAX-14",
  "SIGRTMAX-2",
  "SIGRTMAX-3",
  "SIGRTMAX-4",
  "SIGRTMAX-5",
  "SIGRTMAX-6",
  "SIGRTMAX-7",
  "SIGRTMAX-8",
  "SIGRTMAX-9",
  "SIGRTMIN",
  "SIGRTMIN+1",
  "SIGRTMIN+10",
  "SIGRTMIN+11",
  "SIGRTMIN+12",
  "SIGRTMIN+13",
  "SIGRTMIN+14",
  "SIGRTMIN+15",
  "SIGRTMIN+2",
  "SIGRTMIN+3",
  "SIGRTMIN+4",
  "SIGRTMIN+5",
  "SIGRTMIN+6",
  "SIGRTMIN+7",
  "SIGRTMIN+8",
  "SIGRTMIN+9",
  "SIGSEGV",
  "SIGSTKFLT",
  "SIGSTOP",
  "SIGSYS",
  "SIGTERM",
  "SIGTRAP",
  "SIGTSTP",
  "SIGTTIN",
  "SIGTTOU",
  "SIGURG",
  "SIGUSR1",
  "SIGUSR2",
  "SIGVTALRM",
  "SIGWINCH",
  "SIGXCPU",
  "SIGXFSZ",
];

const atomicList = { listType: "atomic" } as const;
/** The usual `merge` by one key plus the matching list-map declaration. */
const mergeBy = (key: string) => ({
  patchStrategy: "merge",
  patchMergeKey: key,
  listType: "map" as const,
  listMapKeys: [key],
});
const quantities = (description: string) => map(quantity(), description);

// ---------------------------------------------------------------------------------------------------
// References and selectors
// ---------------------------------------------------------------------------------------------------

export const ObjectReference = atomicStruct(
  `${CORE}.ObjectReference`,
  "Enough information to find and inspect one referenced object.",
  () => ({
    apiVersion: str("API version of the referent."),
    fieldPath: str("Path to a part of the referent, such as spec.containers{name}, when only that part is meant."),
    kind: str("Kind of the referent."),
    name: str("Name of the referent."),
    namespace: str("Namespace of the referent."),
    resourceVersion: str("The referent's resourceVersion this reference was made against."),
    uid: str("UID of the referent."),
  }),
);

export const LocalObjectReference = atomicStruct(
  `${CORE}.LocalObjectReference`,
  "Names an object in the same namespace.",
  () => ({ name: str("Name of the referenced object.") }),
);

export const TypedLocalObjectReference = atomicStruct(
  `${CORE}.TypedLocalObjectReference`,
  "Names an object of a given kind in the same namespace.",
  () => ({
    apiGroup: str("API group of the referenced kind; empty means the core group."),
    kind: str("Kind of the referenced object."),
    name: str("Name of the referenced object."),
  }),
  { required: ["kind", "name"] },
);

export const TypedObjectReference = struct(
  `${CORE}.TypedObjectReference`,
  "Names an object of a given kind, possibly in another namespace.",
  () => ({
    apiGroup: str("API group of the referenced kind; empty means the core group."),
    kind: str("Kind of the referenced object."),
    name: str("Name of the referenced object."),
    namespace: str("Namespace of the referenced object, when it differs from the referrer's."),
  }),
  { required: ["kind", "name"] },
);

export const ObjectFieldSelector = atomicStruct(
  `${CORE}.ObjectFieldSelector`,
  "Picks one field of the pod.",
  () => ({
    apiVersion: str('Schema version the fieldPath is written in; defaults to "v1".'),
    fieldPath: str("Path of the field to read, such as metadata.name."),
  }),
  { required: ["fieldPath"] },
);

export const ResourceFieldSelector = atomicStruct(
  `${CORE}.ResourceFieldSelector`,
  "Picks a container's resource request or limit.",
  () => ({
    containerName: str("Container to read from; required for volumes, optional for env vars."),
    divisor: quantity('Unit the value is expressed in; defaults to "1".'),
    resource: str("Resource to read, such as limits.cpu or requests.memory."),
  }),
  { required: ["resource"] },
);

export const ConfigMapKeySelector = atomicStruct(
  `${CORE}.ConfigMapKeySelector`,
  "Picks one key of a ConfigMap.",
  () => ({
    key: str("Key to read."),
    name: str("Name of the ConfigMap."),
    optional: bool("Whether a missing ConfigMap or key is tolerated."),
  }),
  { required: ["key"] },
);

export const SecretKeySelector = atomicStruct(
  `${CORE}.SecretKeySelector`,
  "Picks one key of a Secret.",
  () => ({
    key: str("Key to read."),
    name: str("Name of the Secret."),
    optional: bool("Whether a missing Secret or key is tolerated."),
  }),
  { required: ["key"] },
);

// ---------------------------------------------------------------------------------------------------
// Containers
// ---------------------------------------------------------------------------------------------------

export const EnvVarSource = struct(`${CORE}.EnvVarSource`, "Where an environment variable's value comes from.", () => ({
  configMapKeyRef: ref(ConfigMapKeySelector, "Take the value from a ConfigMap key."),
  fieldRef: ref(ObjectFieldSelector, "Take the value from a field of the pod."),
  resourceFieldRef: ref(ResourceFieldSelector, "Take the value from a container resource request or limit."),
  secretKeyRef: ref(SecretKeySelector, "Take the value from a Secret key."),
}));

export const EnvVar = struct(
  `${CORE}.EnvVar`,
  "One environment variable set in a container.",
  () => ({
    name: str("Variable name."),
    value: str("Literal value; $(VAR) references to earlier variables are expanded."),
    valueFrom: ref(EnvVarSource, "Source of the value, used when value is empty."),
  }),
  { required: ["name"] },
);

export const ConfigMapEnvSource = struct(
  `${CORE}.ConfigMapEnvSource`,
  "A ConfigMap whose keys all become environment variables.",
  () => ({
    name: str("Name of the ConfigMap."),
    optional: bool("Whether a missing ConfigMap is tolerated."),
  }),
);

export const SecretEnvSource = struct(
  `${CORE}.SecretEnvSource`,
  "A Secret whose keys all become environment variables.",
  () => ({
    name: str("Name of the Secret."),
    optional: bool("Whether a missing Secret is tolerated."),
  }),
);

export const EnvFromSource = struct(`${CORE}.EnvFromSource`, "A source of many environment variables at once.", () => ({
  configMapRef: ref(ConfigMapEnvSource, "ConfigMap to read variables from."),
  prefix: str("Prefix added to every variable name taken from the source."),
  secretRef: ref(SecretEnvSource, "Secret to read variables from."),
}));

export const ContainerPort = struct(
  `${CORE}.ContainerPort`,
  "A network port a container exposes.",
  () => ({
    containerPort: int32("Port number on the pod's IP, 1 to 65535."),
    hostIP: str("Host IP address to bind the host port to."),
    hostPort: int32("Port number to expose on the node, 1 to 65535; rarely needed."),
    name: str("Name for the port, unique within the pod, that services can refer to."),
    protocol: str('Protocol of the port; defaults to "TCP".', { enum: PROTOCOL }),
  }),
  { required: ["containerPort"] },
);

export const ContainerResizePolicy = struct(
  `${CORE}.ContainerResizePolicy`,
  "What happens to a container when one of its resources is resized in place.",
  () => ({
    resourceName: str("Resource this policy applies to, such as cpu or memory."),
    restartPolicy: str('Action on resize: "NotRequired" or "RestartContainer".'),
  }),
  { required: ["resourceName", "restartPolicy"] },
);

export const VolumeMount = struct(
  `${CORE}.VolumeMount`,
  "Mounts one pod volume into a container's filesystem.",
  () => ({
    mountPath: str("Path inside the container where the volume appears."),
    mountPropagation: str("How mounts propagate between host and container; defaults to None.", {
      enum: MOUNT_PROPAGATION,
    }),
    name: str("Name of the pod volume to mount."),
    readOnly: bool("Mount the volume read-only."),
    recursiveReadOnly: str('Whether read-only applies to sub-mounts too: "Disabled", "IfPossible" or "Enabled".'),
    subPath: str("Path within the volume to mount instead of its root."),
    subPathExpr: str("Like subPath, but with $(VAR) references expanded from the container environment."),
  }),
  { required: ["name", "mountPath"] },
);

export const VolumeDevice = struct(
  `${CORE}.VolumeDevice`,
  "Maps a raw block volume into a container as a device.",
  () => ({
    devicePath: str("Path inside the container where the device appears."),
    name: str("Name of the persistent volume claim in the pod."),
  }),
  { required: ["name", "devicePath"] },
);

export const ExecAction = struct(`${CORE}.ExecAction`, "Runs a command inside the container.", () => ({
  command: arr(str(), "Command and arguments, run without a shell; exit status 0 means success.", atomicList),
}));

export const HTTPHeader = struct(
  `${CORE}.HTTPHeader`,
  "One header sent with an HTTP probe.",
  () => ({
    name: str("Header name."),
    value: str("Header value."),
  }),
  { required: ["name", "value"] },
);

export const HTTPGetAction = struct(
  `${CORE}.HTTPGetAction`,
  "Performs an HTTP GET against the container.",
  () => ({
    host: str("Host to connect to; defaults to the pod IP."),
    httpHeaders: arr(HTTPHeader, "Extra request headers.", atomicList),
    path: str("Path to request."),
    port: intOrString("Port number or named container port to connect to."),
    scheme: str("Scheme to use; defaults to HTTP.", { enum: URI_SCHEME }),
  }),
  { required: ["port"] },
);

export const TCPSocketAction = struct(
  `${CORE}.TCPSocketAction`,
  "Opens a TCP connection to the container.",
  () => ({
    host: str("Host to connect to; defaults to the pod IP."),
    port: intOrString("Port number or named container port to connect to."),
  }),
  { required: ["port"] },
);

export const GRPCAction = struct(
  `${CORE}.GRPCAction`,
  "Calls the standard gRPC health checking service of the container.",
  () => ({
    port: int32("Port number of the gRPC service."),
    service: str("Service name placed in the HealthCheckRequest; empty checks the server as a whole."),
  }),
  { required: ["port"] },
);

export const SleepAction = struct(
  `${CORE}.SleepAction`,
  "Pauses for a while.",
  () => ({ seconds: int64("How many seconds to sleep.") }),
  { required: ["seconds"] },
);

export const Probe = struct(`${CORE}.Probe`, "A periodic health check the kubelet runs against a container.", () => ({
  exec: ref(ExecAction, "Check by running a command in the container."),
  failureThreshold: int32("Consecutive failures after which the probe counts as failed; defaults to 3."),
  grpc: ref(GRPCAction, "Check by calling the gRPC health service."),
  httpGet: ref(HTTPGetAction, "Check by an HTTP GET request."),
  initialDelaySeconds: int32("Seconds after container start before the first probe."),
  periodSeconds: int32("Seconds between probes; defaults to 10."),
  successThreshold: int32("Consecutive successes after a failure for the probe to pass again; defaults to 1."),
  tcpSocket: ref(TCPSocketAction, "Check by opening a TCP connection."),
  terminationGracePeriodSeconds: int64(
    "Grace period for killing the container after this probe fails, overriding the pod's value.",
  ),
  timeoutSeconds: int32("Seconds before a single probe attempt times out; defaults to 1."),
}));

export const LifecycleHandler = struct(
  `${CORE}.LifecycleHandler`,
  "An action run at a container lifecycle hook; exactly one kind of action is set.",
  () => ({
    exec: ref(ExecAction, "Run a command in the container."),
    httpGet: ref(HTTPGetAction, "Send an HTTP GET request."),
    sleep: ref(SleepAction, "Sleep for a while."),
    tcpSocket: ref(TCPSocketAction, "Deprecated and never run; kept for compatibility."),
  }),
);

export const Lifecycle = struct(`${CORE}.Lifecycle`, "Hooks run around a container's start and stop.", () => ({
  postStart: ref(LifecycleHandler, "Runs right after the container is created."),
  preStop: ref(LifecycleHandler, "Runs before the container is terminated by an API request or management event."),
  stopSignal: str("Signal sent to stop the container, overriding the image's STOPSIGNAL.", { enum: SIGNAL }),
}));

export const ResourceClaim = struct(
  `${CORE}.ResourceClaim`,
  "Names one of the pod's resource claims that a container uses.",
  () => ({
    name: str("Name of an entry in the pod's resourceClaims."),
    request: str("Name of one request within the claim, when only that request is meant."),
  }),
  { required: ["name"] },
);

export const ResourceRequirements = struct(
  `${CORE}.ResourceRequirements`,
  "Compute resources requested and limited for a container or pod.",
  () => ({
    claims: arr(ResourceClaim, "Dynamically allocated resource claims this container uses.", {
      listType: "map",
      listMapKeys: ["name"],
    }),
    limits: quantities("Maximum amount of each resource allowed."),
    requests: quantities("Minimum amount of each resource required; defaults to the limits."),
  }),
);

export const Capabilities = struct(
  `${CORE}.Capabilities`,
  "POSIX capabilities added to or dropped from a container.",
  () => ({
    add: arr(str(), "Capabilities to add.", atomicList),
    drop: arr(str(), "Capabilities to remove.", atomicList),
  }),
);

export const SELinuxOptions = struct(`${CORE}.SELinuxOptions`, "The SELinux label applied to a container.", () => ({
  level: str("SELinux level of the label."),
  role: str("SELinux role of the label."),
  type: str("SELinux type of the label."),
  user: str("SELinux user of the label."),
}));

export const WindowsSecurityContextOptions = struct(
  `${CORE}.WindowsSecurityContextOptions`,
  "Security settings that apply only to Windows containers.",
  () => ({
    gmsaCredentialSpec: str("Inlined contents of the GMSA credential spec to use."),
    gmsaCredentialSpecName: str("Name of the GMSA credential spec to use."),
    hostProcess: bool("Run the container as a Windows host process."),
    runAsUserName: str("Windows user name to run the entrypoint as."),
  }),
);

export const SeccompProfile = struct(
  `${CORE}.SeccompProfile`,
  "The seccomp profile applied to a container.",
  () => ({
    localhostProfile: str("Path of a profile file on the node, for type Localhost."),
    type: str("Which kind of profile applies.", { enum: PROFILE_TYPE }),
  }),
  { required: ["type"] },
);

export const AppArmorProfile = struct(
  `${CORE}.AppArmorProfile`,
  "The AppArmor profile applied to a container.",
  () => ({
    localhostProfile: str("Name of a profile loaded on the node, for type Localhost."),
    type: str("Which kind of profile applies.", { enum: PROFILE_TYPE }),
  }),
  { required: ["type"] },
);

export const SecurityContext = struct(
  `${CORE}.SecurityContext`,
  "Security settings of one container; they override the pod-level ones.",
  () => ({
    allowPrivilegeEscalation: bool("Whether a process may gain more privileges than its parent."),
    appArmorProfile: ref(AppArmorProfile, "AppArmor profile for this container."),
    capabilities: ref(Capabilities, "Capabilities to add or drop."),
    privileged: bool("Run the container privileged, like root on the host."),
    procMount: str("Kind of /proc mount to use; defaults to Default.", { enum: PROC_MOUNT }),
    readOnlyRootFilesystem: bool("Mount the container's root filesystem read-only."),
    runAsGroup: int64("GID to run the entrypoint as."),
    runAsNonRoot: bool("Refuse to start the container if it would run as UID 0."),
    runAsUser: int64("UID to run the entrypoint as."),
    seLinuxOptions: ref(SELinuxOptions, "SELinux label for this container."),
    seccompProfile: ref(SeccompProfile, "Seccomp profile for this container."),
    windowsOptions: ref(WindowsSecurityContextOptions, "Windows-specific settings."),
  }),
);

/** Container and EphemeralContainer share every field except targetContainerName. */
function containerFields(): Record<string, Schema> {
  return {
    args: arr(str(), "Arguments to the entrypoint; the image's CMD is used when empty.", atomicList),
    command: arr(str(), "Entrypoint, run without a shell; the image's ENTRYPOINT is used when empty.", atomicList),
    env: arr(EnvVar, "Environment variables to set.", mergeBy("name")),
    envFrom: arr(EnvFromSource, "Sources that each populate many environment variables.", atomicList),
    image: str("Container image reference."),
    imagePullPolicy: str("When to pull the image; defaults to Always for :latest and IfNotPresent otherwise.", {
      enum: PULL_POLICY,
    }),
    lifecycle: ref(Lifecycle, "Hooks run after start and before stop."),
    livenessProbe: ref(Probe, "Probe whose failure restarts the container."),
    name: str("Container name, a DNS label unique within the pod."),
    ports: arr(ContainerPort, "Ports the container exposes; informational.", {
      patchStrategy: "merge",
      patchMergeKey: "containerPort",
      listType: "map",
      listMapKeys: ["containerPort", "protocol"],
    }),
    readinessProbe: ref(Probe, "Probe whose failure marks the container not ready."),
    resizePolicy: arr(ContainerResizePolicy, "How each resource may be resized in place.", atomicList),
    resources: ref(ResourceRequirements, "Compute resources the container requests and is limited to."),
    restartPolicy: str('Per-container restart policy; only "Always" is allowed, for sidecar init containers.'),
    securityContext: ref(SecurityContext, "Security settings for this container."),
    startupProbe: ref(Probe, "Probe that must succeed before the other probes start."),
    stdin: bool("Keep a stdin buffer open for the container."),
    stdinOnce: bool("Close stdin after the first attached client disconnects."),
    terminationMessagePath: str(
      "File whose contents become the termination message; defaults to /dev/termination-log.",
    ),
    terminationMessagePolicy: str("How the termination message is filled; defaults to File.", {
      enum: TERMINATION_MESSAGE_POLICY,
    }),
    tty: bool("Allocate a TTY; needs stdin."),
    volumeDevices: arr(VolumeDevice, "Raw block devices mapped into the container.", mergeBy("devicePath")),
    volumeMounts: arr(VolumeMount, "Pod volumes mounted into the container's filesystem.", mergeBy("mountPath")),
    workingDir: str("Working directory of the entrypoint; the runtime default when empty."),
  };
}

export const Container = struct(`${CORE}.Container`, "One application container run in a pod.", containerFields, {
  required: ["name"],
});

export const EphemeralContainer = struct(
  `${CORE}.EphemeralContainer`,
  "A temporary container added to a running pod, typically for debugging.",
  () => ({
    ...containerFields(),
    targetContainerName: str("Container whose namespaces this one joins, when the runtime supports it."),
  }),
  { required: ["name"] },
);

// ---------------------------------------------------------------------------------------------------
// Volumes
// ---------------------------------------------------------------------------------------------------

export const KeyToPath = struct(
  `${CORE}.KeyToPath`,
  "Projects one key of a ConfigMap or Secret to a file path.",
  () => ({
    key: str("Key to project."),
    mode: int32("Permission bits of the file, 0 to 0777; defaults to the volume's defaultMode."),
    path: str("Relative path of the file to create."),
  }),
  { required: ["key", "path"] },
);

export const HostPathVolumeSource = struct(
  `${CORE}.HostPathVolumeSource`,
  "A file or directory on the node mounted into the pod.",
  () => ({
    path: str("Path on the node."),
    type: str("What must exist at the path; empty skips the check.", { enum: HOST_PATH_TYPE }),
  }),
  { required: ["path"] },
);

export const EmptyDirVolumeSource = struct(
  `${CORE}.EmptyDirVolumeSource`,
  "A scratch directory that lives as long as the pod.",
  () => ({
    medium: str('Storage medium: empty for the node default or "Memory" for tmpfs.'),
    sizeLimit: quantity("Maximum space the directory may use."),
  }),
);

export const ConfigMapVolumeSource = struct(
  `${CORE}.ConfigMapVolumeSource`,
  "Presents a ConfigMap's keys as files.",
  () => ({
    defaultMode: int32("Permission bits for created files, 0 to 0777; defaults to 0644."),
    items: arr(KeyToPath, "Keys to project and their paths; all keys when empty.", atomicList),
    name: str("Name of the ConfigMap."),
    optional: bool("Whether a missing ConfigMap or key is tolerated."),
  }),
);

export const SecretVolumeSource = struct(`${CORE}.SecretVolumeSource`, "Presents a Secret's keys as files.", () => ({
  defaultMode: int32("Permission bits for created files, 0 to 0777; defaults to 0644."),
  items: arr(KeyToPath, "Keys to project and their paths; all keys when empty.", atomicList),
  optional: bool("Whether a missing Secret or key is tolerated."),
  secretName: str("Name of the Secret."),
}));

export const DownwardAPIVolumeFile = struct(
  `${CORE}.DownwardAPIVolumeFile`,
  "One file filled with pod or container information.",
  () => ({
    fieldRef: ref(ObjectFieldSelector, "Pod field whose value is written."),
    mode: int32("Permission bits of the file, 0 to 0777; defaults to the volume's defaultMode."),
    path: str("Relative path of the file to create."),
    resourceFieldRef: ref(ResourceFieldSelector, "Container resource whose value is written."),
  }),
  { required: ["path"] },
);

export const DownwardAPIVolumeSource = struct(
  `${CORE}.DownwardAPIVolumeSource`,
  "Presents pod and container information as files.",
  () => ({
    defaultMode: int32("Permission bits for created files, 0 to 0777; defaults to 0644."),
    items: arr(DownwardAPIVolumeFile, "Files to create.", atomicList),
  }),
);

export const ConfigMapProjection = struct(
  `${CORE}.ConfigMapProjection`,
  "A ConfigMap projected into a projected volume.",
  () => ({
    items: arr(KeyToPath, "Keys to project and their paths; all keys when empty.", atomicList),
    name: str("Name of the ConfigMap."),
    optional: bool("Whether a missing ConfigMap or key is tolerated."),
  }),
);

export const SecretProjection = struct(
  `${CORE}.SecretProjection`,
  "A Secret projected into a projected volume.",
  () => ({
    items: arr(KeyToPath, "Keys to project and their paths; all keys when empty.", atomicList),
    name: str("Name of the Secret."),
    optional: bool("Whether a missing Secret or key is tolerated."),
  }),
);

export const DownwardAPIProjection = struct(
  `${CORE}.DownwardAPIProjection`,
  "Pod and container information projected into a projected volume.",
  () => ({ items: arr(DownwardAPIVolumeFile, "Files to create.", atomicList) }),
);

export const ServiceAccountTokenProjection = struct(
  `${CORE}.ServiceAccountTokenProjection`,
  "A service account token written into a projected volume and kept fresh.",
  () => ({
    audience: str("Intended audience of the token; defaults to the API server's audience."),
    expirationSeconds: int64("Requested token lifetime in seconds; defaults to one hour, at least ten minutes."),
    path: str("Relative path of the token file."),
  }),
  { required: ["path"] },
);

export const ClusterTrustBundleProjection = struct(
  `${CORE}.ClusterTrustBundleProjection`,
  "Trust anchors from ClusterTrustBundle objects written into a projected volume.",
  () => ({
    labelSelector: ref(LabelSelector, "Selects bundles of the signer by label; only with signerName."),
    name: str("Name of a single bundle; excludes signerName and labelSelector."),
    optional: bool("Whether missing bundles are tolerated."),
    path: str("Relative path of the bundle file."),
    signerName: str("Signer whose bundles are selected and merged."),
  }),
  { required: ["path"] },
);

export const VolumeProjection = struct(
  `${CORE}.VolumeProjection`,
  "One source of a projected volume; exactly one field is set.",
  () => ({
    clusterTrustBundle: ref(ClusterTrustBundleProjection, "Trust anchors from cluster trust bundles."),
    configMap: ref(ConfigMapProjection, "Keys of a ConfigMap."),
    downwardAPI: ref(DownwardAPIProjection, "Pod and container information."),
    secret: ref(SecretProjection, "Keys of a Secret."),
    serviceAccountToken: ref(ServiceAccountTokenProjection, "A service account token."),
  }),
);

export const ProjectedVolumeSource = struct(
  `${CORE}.ProjectedVolumeSource`,
  "Combines several sources into one directory.",
  () => ({
    defaultMode: int32("Permission bits for created files, 0 to 0777; defaults to 0644."),
    sources: arr(VolumeProjection, "Sources to combine.", atomicList),
  }),
);

export const PersistentVolumeClaimVolumeSource = struct(
  `${CORE}.PersistentVolumeClaimVolumeSource`,
  "Mounts the volume bound to a PersistentVolumeClaim in the pod's namespace.",
  () => ({
    claimName: str("Name of the claim."),
    readOnly: bool("Mount the volume read-only."),
  }),
  { required: ["claimName"] },
);

export const VolumeResourceRequirements = struct(
  `${CORE}.VolumeResourceRequirements`,
  "Storage resources a claim requests.",
  () => ({
    limits: quantities("Maximum amount of each resource allowed."),
    requests: quantities("Minimum amount of each resource required."),
  }),
);

export const PersistentVolumeClaimSpec = struct(
  `${CORE}.PersistentVolumeClaimSpec`,
  "What storage a claim asks for.",
  () => ({
    accessModes: arr(str(undefined, { enum: ACCESS_MODE }), "Access modes the volume must support.", atomicList),
    dataSource: ref(TypedLocalObjectReference, "Existing snapshot or claim to fill the new volume from."),
    dataSourceRef: ref(TypedObjectReference, "Any populator object to fill the new volume from."),
    resources: ref(VolumeResourceRequirements, "Minimum storage the volume must have."),
    selector: ref(LabelSelector, "Label query over volumes to bind to."),
    storageClassName: str("StorageClass the claim asks for."),
    volumeAttributesClassName: str("VolumeAttributesClass the volume should use."),
    volumeMode: str("Whether the volume is a filesystem or a raw block device; defaults to Filesystem.", {
      enum: VOLUME_MODE,
    }),
    volumeName: str("Name of a specific PersistentVolume to bind to."),
  }),
);

export const PersistentVolumeClaimTemplate = struct(
  `${CORE}.PersistentVolumeClaimTemplate`,
  "Template for the claim created for an ephemeral volume.",
  () => ({
    metadata: ref(ObjectMeta, "Labels and annotations copied onto the created claim."),
    spec: ref(PersistentVolumeClaimSpec, "Spec of the created claim, copied unchanged."),
  }),
  { required: ["spec"] },
);

export const EphemeralVolumeSource = struct(
  `${CORE}.EphemeralVolumeSource`,
  "A volume from a claim created with the pod and deleted with it.",
  () => ({ volumeClaimTemplate: ref(PersistentVolumeClaimTemplate, "Template of the claim to create.") }),
);

export const CSIVolumeSource = struct(
  `${CORE}.CSIVolumeSource`,
  "An inline volume provided by a CSI driver.",
  () => ({
    driver: str("Name of the CSI driver."),
    fsType: str("Filesystem type to mount; the driver decides when empty."),
    nodePublishSecretRef: ref(LocalObjectReference, "Secret passed to the driver's publish and unpublish calls."),
    readOnly: bool("Mount the volume read-only."),
    volumeAttributes: map(str(), "Driver-specific properties."),
  }),
  { required: ["driver"] },
);

export const ImageVolumeSource = struct(
  `${CORE}.ImageVolumeSource`,
  "Mounts the contents of an OCI image or artifact read-only.",
  () => ({
    pullPolicy: str("When to pull the image; defaults to Always for :latest and IfNotPresent otherwise.", {
      enum: PULL_POLICY,
    }),
    reference: str("Image or artifact reference, as for a container image."),
  }),
);

export const NFSVolumeSource = struct(
  `${CORE}.NFSVolumeSource`,
  "An NFS export mounted into the pod.",
  () => ({
    path: str("Path exported by the server."),
    readOnly: bool("Mount the export read-only."),
    server: str("Hostname or IP of the NFS server."),
  }),
  { required: ["server", "path"] },
);

export const AWSElasticBlockStoreVolumeSource = struct(
  `${CORE}.AWSElasticBlockStoreVolumeSource`,
  "Deprecated: an AWS EBS disk attached to the node.",
  () => ({
    fsType: str("Filesystem type of the disk."),
    partition: int32("Partition to mount; the whole disk when 0."),
    readOnly: bool("Mount the disk read-only."),
    volumeID: str("ID of the EBS volume."),
  }),
  { required: ["volumeID"] },
);

export const AzureDiskVolumeSource = struct(
  `${CORE}.AzureDiskVolumeSource`,
  "Deprecated: an Azure data disk attached to the node.",
  () => ({
    cachingMode: str("Host caching mode of the disk.", { enum: AZURE_CACHING_MODE }),
    diskName: str("Name of the data disk."),
    diskURI: str("URI of the data disk."),
    fsType: str("Filesystem type of the disk."),
    kind: str("Kind of disk; defaults to Shared.", { enum: AZURE_DISK_KIND }),
    readOnly: bool("Mount the disk read-only."),
  }),
  { required: ["diskName", "diskURI"] },
);

export const AzureFileVolumeSource = struct(
  `${CORE}.AzureFileVolumeSource`,
  "Deprecated: an Azure File share mounted into the pod.",
  () => ({
    readOnly: bool("Mount the share read-only."),
    secretName: str("Secret holding the storage account name and key."),
    shareName: str("Name of the share."),
  }),
  { required: ["secretName", "shareName"] },
);

export const CephFSVolumeSource = struct(
  `${CORE}.CephFSVolumeSource`,
  "Deprecated: a CephFS filesystem mounted into the pod.",
  () => ({
    monitors: arr(str(), "Ceph monitor addresses.", atomicList),
    path: str("Subtree to mount instead of the root."),
    readOnly: bool("Mount the filesystem read-only."),
    secretFile: str("Path of the keyring for the user."),
    secretRef: ref(LocalObjectReference, "Secret holding the user's credentials."),
    user: str("RADOS user name; defaults to admin."),
  }),
  { required: ["monitors"] },
);

export const CinderVolumeSource = struct(
  `${CORE}.CinderVolumeSource`,
  "Deprecated: an OpenStack Cinder volume attached to the node.",
  () => ({
    fsType: str("Filesystem type of the volume."),
    readOnly: bool("Mount the volume read-only."),
    secretRef: ref(LocalObjectReference, "Secret with OpenStack connection parameters."),
    volumeID: str("ID of the Cinder volume."),
  }),
  { required: ["volumeID"] },
);

export const FCVolumeSource = struct(`${CORE}.FCVolumeSource`, "A Fibre Channel disk attached to the node.", () => ({
  fsType: str("Filesystem type of the disk."),
  lun: int32("Target LUN number."),
  readOnly: bool("Mount the disk read-only."),
  targetWWNs: arr(str(), "Target world wide names.", atomicList),
  wwids: arr(str(), "Volume world wide identifiers; excludes targetWWNs and lun.", atomicList),
}));

export const FlexVolumeSource = struct(
  `${CORE}.FlexVolumeSource`,
  "Deprecated: a volume provided by an exec-based FlexVolume driver.",
  () => ({
    driver: str("Name of the FlexVolume driver."),
    fsType: str("Filesystem type to mount."),
    options: map(str(), "Extra driver-specific options."),
    readOnly: bool("Mount the volume read-only."),
    secretRef: ref(LocalObjectReference, "Secret passed to the driver."),
  }),
  { required: ["driver"] },
);

export const FlockerVolumeSource = struct(
  `${CORE}.FlockerVolumeSource`,
  "Deprecated: a Flocker dataset mounted into the pod.",
  () => ({
    datasetName: str("Name of the dataset."),
    datasetUUID: str("UUID of the dataset."),
  }),
);

export const GCEPersistentDiskVolumeSource = struct(
  `${CORE}.GCEPersistentDiskVolumeSource`,
  "Deprecated: a GCE persistent disk attached to the node.",
  () => ({
    fsType: str("Filesystem type of the disk."),
    partition: int32("Partition to mount; the whole disk when 0."),
    pdName: str("Name of the persistent disk."),
    readOnly: bool("Mount the disk read-only."),
  }),
  { required: ["pdName"] },
);

export const GitRepoVolumeSource = struct(
  `${CORE}.GitRepoVolumeSource`,
  "Deprecated: a directory filled by cloning a git repository.",
  () => ({
    directory: str("Target directory name; the repository root when '.'."),
    repository: str("URL of the repository."),
    revision: str("Commit hash to check out."),
  }),
  { required: ["repository"] },
);

export const GlusterfsVolumeSource = struct(
  `${CORE}.GlusterfsVolumeSource`,
  "Deprecated: a Glusterfs volume mounted into the pod.",
  () => ({
    endpoints: str("Endpoints object naming the Glusterfs hosts."),
    path: str("Glusterfs volume path."),
    readOnly: bool("Mount the volume read-only."),
  }),
  { required: ["endpoints", "path"] },
);

export const ISCSIVolumeSource = struct(
  `${CORE}.ISCSIVolumeSource`,
  "An iSCSI disk attached to the node.",
  () => ({
    chapAuthDiscovery: bool("Use CHAP authentication for discovery."),
    chapAuthSession: bool("Use CHAP authentication for the session."),
    fsType: str("Filesystem type of the disk."),
    initiatorName: str("Custom iSCSI initiator name."),
    iqn: str("iSCSI qualified name of the target."),
    iscsiInterface: str("iSCSI interface to use; defaults to default (tcp)."),
    lun: int32("Target LUN number."),
    portals: arr(str(), "Additional target portals.", atomicList),
    readOnly: bool("Mount the disk read-only."),
    secretRef: ref(LocalObjectReference, "Secret holding the CHAP credentials."),
    targetPortal: str("Main target portal, as ip or ip:port."),
  }),
  { required: ["targetPortal", "iqn", "lun"] },
);

export const PhotonPersistentDiskVolumeSource = struct(
  `${CORE}.PhotonPersistentDiskVolumeSource`,
  "Deprecated: a Photon Controller persistent disk.",
  () => ({
    fsType: str("Filesystem type of the disk."),
    pdID: str("ID of the persistent disk."),
  }),
  { required: ["pdID"] },
);

export const PortworxVolumeSource = struct(
  `${CORE}.PortworxVolumeSource`,
  "Deprecated: a Portworx volume.",
  () => ({
    fsType: str("Filesystem type of the volume."),
    readOnly: bool("Mount the volume read-only."),
    volumeID: str("ID of the Portworx volume."),
  }),
  { required: ["volumeID"] },
);

export const QuobyteVolumeSource = struct(
  `${CORE}.QuobyteVolumeSource`,
  "Deprecated: a Quobyte volume mounted into the pod.",
  () => ({
    group: str("Group to map volume access to."),
    readOnly: bool("Mount the volume read-only."),
    registry: str("Quobyte registry services, as host:port pairs."),
    tenant: str("Tenant owning the volume."),
    user: str("User to map volume access to."),
    volume: str("Name of the Quobyte volume."),
  }),
  { required: ["registry", "volume"] },
);

export const RBDVolumeSource = struct(
  `${CORE}.RBDVolumeSource`,
  "Deprecated: a Ceph RADOS block device attached to the node.",
  () => ({
    fsType: str("Filesystem type of the device."),
    image: str("Name of the RADOS image."),
    keyring: str("Path of the keyring for the user; defaults to /etc/ceph/keyring."),
    monitors: arr(str(), "Ceph monitor addresses.", atomicList),
    pool: str("RADOS pool; defaults to rbd."),
    readOnly: bool("Mount the device read-only."),
    secretRef: ref(LocalObjectReference, "Secret holding the user's credentials."),
    user: str("RADOS user name; defaults to admin."),
  }),
  { required: ["monitors", "image"] },
);

export const ScaleIOVolumeSource = struct(
  `${CORE}.ScaleIOVolumeSource`,
  "Deprecated: a ScaleIO volume.",
  () => ({
    fsType: str("Filesystem type of the volume; defaults to xfs."),
    gateway: str("Address of the ScaleIO API gateway."),
    protectionDomain: str("ScaleIO protection domain of the storage."),
    readOnly: bool("Mount the volume read-only."),
    secretRef: ref(LocalObjectReference, "Secret holding the ScaleIO user credentials."),
    sslEnabled: bool("Use SSL to talk to the gateway."),
    storageMode: str("ThickProvisioned or ThinProvisioned; defaults to ThinProvisioned."),
    storagePool: str("ScaleIO storage pool of the volume."),
    system: str("Name of the ScaleIO storage system."),
    volumeName: str("Name of an existing ScaleIO volume."),
  }),
  { required: ["gateway", "system", "secretRef"] },
);

export const StorageOSVolumeSource = struct(`${CORE}.StorageOSVolumeSource`, "Deprecated: a StorageOS volume.", () => ({
  fsType: str("Filesystem type of the volume."),
  readOnly: bool("Mount the volume read-only."),
  secretRef: ref(LocalObjectReference, "Secret holding the StorageOS API credentials."),
  volumeName: str("Name of the StorageOS volume."),
  volumeNamespace: str("StorageOS namespace of the volume; defaults to the pod's namespace."),
}));

export const VsphereVirtualDiskVolumeSource = struct(
  `${CORE}.VsphereVirtualDiskVolumeSource`,
  "Deprecated: a vSphere virtual disk attached to the node.",
  () => ({
    fsType: str("Filesystem type of the disk."),
    storagePolicyID: str("ID of the SPBM storage policy."),
    storagePolicyName: str("Name of the SPBM storage policy."),
    volumePath: str("Path identifying the vSphere volume vmdk."),
  }),
  { required: ["volumePath"] },
);

export const Volume = struct(
  `${CORE}.Volume`,
  "A named volume in a pod that containers can mount; exactly one source is set.",
  () => ({
    awsElasticBlockStore: ref(AWSElasticBlockStoreVolumeSource, "Deprecated AWS EBS disk."),
    azureDisk: ref(AzureDiskVolumeSource, "Deprecated Azure data disk."),
    azureFile: ref(AzureFileVolumeSource, "Deprecated Azure File share."),
    cephfs: ref(CephFSVolumeSource, "Deprecated CephFS mount."),
    cinder: ref(CinderVolumeSource, "Deprecated OpenStack Cinder volume."),
    configMap: ref(ConfigMapVolumeSource, "Keys of a ConfigMap as files."),
    csi: ref(CSIVolumeSource, "Inline volume from a CSI driver."),
    downwardAPI: ref(DownwardAPIVolumeSource, "Pod and container information as files."),
    emptyDir: ref(EmptyDirVolumeSource, "Scratch directory that lives as long as the pod."),
    ephemeral: ref(EphemeralVolumeSource, "Volume from a claim created and deleted with the pod."),
    fc: ref(FCVolumeSource, "Fibre Channel disk."),
    flexVolume: ref(FlexVolumeSource, "Deprecated FlexVolume driver volume."),
    flocker: ref(FlockerVolumeSource, "Deprecated Flocker dataset."),
    gcePersistentDisk: ref(GCEPersistentDiskVolumeSource, "Deprecated GCE persistent disk."),
    gitRepo: ref(GitRepoVolumeSource, "Deprecated git repository checkout."),
    glusterfs: ref(GlusterfsVolumeSource, "Deprecated Glusterfs mount."),
    hostPath: ref(HostPathVolumeSource, "File or directory on the node."),
    image: ref(ImageVolumeSource, "Read-only contents of an OCI image or artifact."),
    iscsi: ref(ISCSIVolumeSource, "iSCSI disk."),
    name: str("Volume name, a DNS label unique within the pod."),
    nfs: ref(NFSVolumeSource, "NFS export."),
    persistentVolumeClaim: ref(PersistentVolumeClaimVolumeSource, "Volume bound to a PersistentVolumeClaim."),
    photonPersistentDisk: ref(PhotonPersistentDiskVolumeSource, "Deprecated Photon Controller disk."),
    portworxVolume: ref(PortworxVolumeSource, "Deprecated Portworx volume."),
    projected: ref(ProjectedVolumeSource, "Several sources combined into one directory."),
    quobyte: ref(QuobyteVolumeSource, "Deprecated Quobyte volume."),
    rbd: ref(RBDVolumeSource, "Deprecated Ceph RADOS block device."),
    scaleIO: ref(ScaleIOVolumeSource, "Deprecated ScaleIO volume."),
    secret: ref(SecretVolumeSource, "Keys of a Secret as files."),
    storageos: ref(StorageOSVolumeSource, "Deprecated StorageOS volume."),
    vsphereVolume: ref(VsphereVirtualDiskVolumeSource, "Deprecated vSphere virtual disk."),
  }),
  { required: ["name"] },
);

// ---------------------------------------------------------------------------------------------------
// Scheduling: affinity, tolerations, taints, spread
// ---------------------------------------------------------------------------------------------------

export const NodeSelectorRequirement = struct(
  `${CORE}.NodeSelectorRequirement`,
  "One test on a node label or field.",
  () => ({
    key: str("Label key or field name the requirement tests."),
    operator: str("How the key relates to the values.", { enum: NODE_SELECTOR_OPERATOR }),
    values: arr(str(), "Values to compare; one integer for Gt and Lt, none for Exists and DoesNotExist.", atomicList),
  }),
  { required: ["key", "operator"] },
);

export const NodeSelectorTerm = atomicStruct(
  `${CORE}.NodeSelectorTerm`,
  "Requirements that must all hold for a node to match; an empty term matches nothing.",
  () => ({
    matchExpressions: arr(NodeSelectorRequirement, "Requirements on node labels.", atomicList),
    matchFields: arr(NodeSelectorRequirement, "Requirements on node fields.", atomicList),
  }),
);

export const NodeSelector = atomicStruct(
  `${CORE}.NodeSelector`,
  "Node selector terms of which at least one must match.",
  () => ({ nodeSelectorTerms: arr(NodeSelectorTerm, "Terms that are ORed together.", atomicList) }),
  { required: ["nodeSelectorTerms"] },
);

export const PreferredSchedulingTerm = struct(
  `${CORE}.PreferredSchedulingTerm`,
  "A weighted node preference.",
  () => ({
    preference: ref(NodeSelectorTerm, "Term a node should match."),
    weight: int32("Weight added to matching nodes' scores, 1 to 100."),
  }),
  { required: ["weight", "preference"] },
);

export const NodeAffinity = struct(`${CORE}.NodeAffinity`, "Rules constraining which nodes a pod may run on.", () => ({
  preferredDuringSchedulingIgnoredDuringExecution: arr(
    PreferredSchedulingTerm,
    "Preferences that raise the score of matching nodes.",
    atomicList,
  ),
  requiredDuringSchedulingIgnoredDuringExecution: ref(NodeSelector, "Conditions a node must meet to be chosen."),
}));

export const PodAffinityTerm = struct(
  `${CORE}.PodAffinityTerm`,
  "Pods that a pod should be near (or away from), within a topology domain.",
  () => ({
    labelSelector: ref(LabelSelector, "Label query over the pods to consider."),
    matchLabelKeys: arr(
      str(),
      "Label keys whose incoming pod values are added to labelSelector as In terms.",
      atomicList,
    ),
    mismatchLabelKeys: arr(
      str(),
      "Label keys whose incoming pod values are added to labelSelector as NotIn terms.",
      atomicList,
    ),
    namespaceSelector: ref(LabelSelector, "Label query over the namespaces to search."),
    namespaces: arr(
      str(),
      "Namespaces to search; the pod's own when empty and no namespaceSelector is set.",
      atomicList,
    ),
    topologyKey: str("Node label whose value defines the co-location domain."),
  }),
  { required: ["topologyKey"] },
);

export const WeightedPodAffinityTerm = struct(
  `${CORE}.WeightedPodAffinityTerm`,
  "A pod affinity term with a weight.",
  () => ({
    podAffinityTerm: ref(PodAffinityTerm, "The term."),
    weight: int32("Weight added to matching nodes' scores, 1 to 100."),
  }),
  { required: ["weight", "podAffinityTerm"] },
);

export const PodAffinity = struct(`${CORE}.PodAffinity`, "Rules placing a pod near other pods.", () => ({
  preferredDuringSchedulingIgnoredDuringExecution: arr(
    WeightedPodAffinityTerm,
    "Preferences that raise the score of nodes near matching pods.",
    atomicList,
  ),
  requiredDuringSchedulingIgnoredDuringExecution: arr(
    PodAffinityTerm,
    "Terms that must all hold for a node to be chosen.",
    atomicList,
  ),
}));

export const PodAntiAffinity = struct(`${CORE}.PodAntiAffinity`, "Rules keeping a pod away from other pods.", () => ({
  preferredDuringSchedulingIgnoredDuringExecution: arr(
    WeightedPodAffinityTerm,
    "Preferences that raise the score of nodes away from matching pods.",
    atomicList,
  ),
  requiredDuringSchedulingIgnoredDuringExecution: arr(
    PodAffinityTerm,
    "Terms that must all hold for a node to be chosen.",
    atomicList,
  ),
}));

export const Affinity = struct(`${CORE}.Affinity`, "Scheduling constraints relative to nodes and other pods.", () => ({
  nodeAffinity: ref(NodeAffinity, "Constraints on the nodes the pod may run on."),
  podAffinity: ref(PodAffinity, "Pods this pod should run near."),
  podAntiAffinity: ref(PodAntiAffinity, "Pods this pod should stay away from."),
}));

export const Toleration = struct(
  `${CORE}.Toleration`,
  "Lets a pod schedule onto (or stay on) nodes with a matching taint.",
  () => ({
    effect: str("Taint effect to match; empty matches every effect.", { enum: TAINT_EFFECT }),
    key: str("Taint key to match; empty with Exists matches every taint."),
    operator: str("How key and value are compared; defaults to Equal.", { enum: TOLERATION_OPERATOR }),
    tolerationSeconds: int64("For NoExecute, seconds the pod stays bound after the taint appears; forever when unset."),
    value: str("Taint value to match; must be empty with Exists."),
  }),
);

export const Taint = struct(
  `${CORE}.Taint`,
  "A mark on a node that repels pods not tolerating it.",
  () => ({
    effect: str("What happens to pods that do not tolerate the taint.", { enum: TAINT_EFFECT }),
    key: str("Taint key."),
    timeAdded: time("When the taint was added; only set for NoExecute taints."),
    value: str("Taint value."),
  }),
  { required: ["key", "effect"] },
);

export const TopologySpreadConstraint = struct(
  `${CORE}.TopologySpreadConstraint`,
  "How evenly matching pods must be spread across topology domains.",
  () => ({
    labelSelector: ref(LabelSelector, "Label query selecting the pods that are counted."),
    matchLabelKeys: arr(str(), "Label keys whose incoming pod values narrow the counted pods.", atomicList),
    maxSkew: int32("Largest allowed difference in matching pods between two domains."),
    minDomains: int32("Minimum number of eligible domains; fewer count as having zero pods."),
    nodeAffinityPolicy: str("Whether node affinity and selector limit the domains counted; defaults to Honor.", {
      enum: NODE_INCLUSION_POLICY,
    }),
    nodeTaintsPolicy: str("Whether node taints limit the domains counted; defaults to Ignore.", {
      enum: NODE_INCLUSION_POLICY,
    }),
    topologyKey: str("Node label whose values define the domains."),
    whenUnsatisfiable: str("What to do with a pod that cannot satisfy the constraint.", { enum: UNSATISFIABLE_ACTION }),
  }),
  { required: ["maxSkew", "topologyKey", "whenUnsatisfiable"] },
);

// ---------------------------------------------------------------------------------------------------
// Pod
// ---------------------------------------------------------------------------------------------------

export const HostAlias = struct(
  `${CORE}.HostAlias`,
  "An extra entry for the pod's /etc/hosts.",
  () => ({
    hostnames: arr(str(), "Host names for the address.", atomicList),
    ip: str("IP address of the entry."),
  }),
  { required: ["ip"] },
);

export const PodDNSConfigOption = struct(`${CORE}.PodDNSConfigOption`, "One resolver option.", () => ({
  name: str("Option name."),
  value: str("Option value, if it takes one."),
}));

export const PodDNSConfig = struct(
  `${CORE}.PodDNSConfig`,
  "DNS settings merged into the resolver configuration generated for the pod.",
  () => ({
    nameservers: arr(str(), "Extra name server IP addresses.", atomicList),
    options: arr(PodDNSConfigOption, "Extra resolver options, overriding same-named generated ones.", atomicList),
    searches: arr(str(), "Extra DNS search domains.", atomicList),
  }),
);

export const PodReadinessGate = struct(
  `${CORE}.PodReadinessGate`,
  "An extra pod condition that must be true for the pod to be ready.",
  () => ({ conditionType: str("Type of the pod condition to wait for.") }),
  { required: ["conditionType"] },
);

export const PodSchedulingGate = struct(
  `${CORE}.PodSchedulingGate`,
  "A named gate that keeps the pod from being scheduled while present.",
  () => ({ name: str("Name of the gate, unique within the pod.") }),
  { required: ["name"] },
);

export const PodResourceClaim = struct(
  `${CORE}.PodResourceClaim`,
  "Names a ResourceClaim, or a template for one, that the pod uses.",
  () => ({
    name: str("Name of this entry, unique within the pod."),
    resourceClaimName: str("Existing ResourceClaim in the pod's namespace."),
    resourceClaimTemplateName: str("ResourceClaimTemplate from which a claim is made for this pod."),
  }),
  { required: ["name"] },
);

export const PodOS = struct(
  `${CORE}.PodOS`,
  "The operating system the pod's containers need.",
  () => ({ name: str('Operating system name: "linux" or "windows".') }),
  { required: ["name"] },
);

export const Sysctl = struct(
  `${CORE}.Sysctl`,
  "One kernel parameter set for the pod.",
  () => ({
    name: str("Parameter name."),
    value: str("Parameter value."),
  }),
  { required: ["name", "value"] },
);

export const PodSecurityContext = struct(
  `${CORE}.PodSecurityContext`,
  "Security settings for the whole pod; container settings take precedence where both exist.",
  () => ({
    appArmorProfile: ref(AppArmorProfile, "AppArmor profile for the pod's containers."),
    fsGroup: int64("Supplementary group that owns the pod's volumes and is added to every container."),
    fsGroupChangePolicy: str("When volume ownership is changed to fsGroup; defaults to Always.", {
      enum: FS_GROUP_CHANGE_POLICY,
    }),
    runAsGroup: int64("GID to run container entrypoints as."),
    runAsNonRoot: bool("Refuse to start containers that would run as UID 0."),
    runAsUser: int64("UID to run container entrypoints as."),
    seLinuxChangePolicy: str('How volumes get the SELinux label: "Recursive" or "MountOption".'),
    seLinuxOptions: ref(SELinuxOptions, "SELinux label for the pod's containers."),
    seccompProfile: ref(SeccompProfile, "Seccomp profile for the pod's containers."),
    supplementalGroups: arr(int64(), "Extra GIDs added to the first process of each container.", atomicList),
    supplementalGroupsPolicy: str("How supplemental groups of the first process are worked out; defaults to Merge.", {
      enum: SUPPLEMENTAL_GROUPS_POLICY,
    }),
    sysctls: arr(Sysctl, "Namespaced kernel parameters set for the pod.", atomicList),
    windowsOptions: ref(WindowsSecurityContextOptions, "Windows-specific settings for the pod's containers."),
  }),
);

export const PodSpec = struct(
  `${CORE}.PodSpec`,
  "What a pod runs and how: containers, volumes, scheduling and security.",
  () => ({
    activeDeadlineSeconds: int64("Seconds a pod may be active before the system fails it."),
    affinity: ref(Affinity, "Scheduling constraints relative to nodes and other pods."),
    automountServiceAccountToken: bool("Whether a service account token is mounted automatically."),
    containers: arr(Container, "Containers of the pod; at least one.", mergeBy("name")),
    dnsConfig: ref(PodDNSConfig, "DNS settings merged into the generated resolver configuration."),
    dnsPolicy: str("How the pod's DNS is set up; defaults to ClusterFirst.", { enum: DNS_POLICY }),
    enableServiceLinks: bool("Whether service information is injected as environment variables; defaults to true."),
    ephemeralContainers: arr(EphemeralContainer, "Temporary containers added for debugging.", mergeBy("name")),
    hostAliases: arr(HostAlias, "Extra /etc/hosts entries.", mergeBy("ip")),
    hostIPC: bool("Use the host's IPC namespace."),
    hostNetwork: bool("Use the host's network namespace."),
    hostPID: bool("Use the host's PID namespace."),
    hostUsers: bool("Use the host's user namespace; false gives the pod its own."),
    hostname: str("Host name of the pod; defaults to a system-chosen value."),
    imagePullSecrets: arr(LocalObjectReference, "Secrets used to pull the container images.", mergeBy("name")),
    initContainers: arr(Container, "Containers run in order before the app containers start.", mergeBy("name")),
    nodeName: str("Node the pod is bound to; setting it bypasses the scheduler."),
    nodeSelector: map(str(), "Labels a node must carry for the pod to fit on it.", { mapType: "atomic" }),
    os: ref(PodOS, "Operating system the pod's containers need."),
    overhead: quantities("Resources the pod's sandbox uses beyond its containers, set from the RuntimeClass."),
    preemptionPolicy: str("Whether the pod may preempt lower-priority pods; defaults to PreemptLowerPriority.", {
      enum: PREEMPTION_POLICY,
    }),
    priority: int32("Priority value, filled from priorityClassName by admission."),
    priorityClassName: str("PriorityClass giving the pod's priority."),
    readinessGates: arr(PodReadinessGate, "Extra conditions that must be true for the pod to be ready.", atomicList),
    resourceClaims: arr(PodResourceClaim, "Dynamically allocated resources the pod needs.", {
      patchStrategy: "merge,retainKeys",
      patchMergeKey: "name",
      listType: "map",
      listMapKeys: ["name"],
    }),
    resources: ref(ResourceRequirements, "Total compute resources for the pod, shared by its containers."),
    restartPolicy: str("When containers are restarted after exiting; defaults to Always.", { enum: RESTART_POLICY }),
    runtimeClassName: str("RuntimeClass used to run the pod."),
    schedulerName: str("Scheduler that places the pod; defaults to the default scheduler."),
    schedulingGates: arr(PodSchedulingGate, "Gates that hold the pod back from scheduling.", mergeBy("name")),
    securityContext: ref(PodSecurityContext, "Security settings for the whole pod."),
    serviceAccount: str("Deprecated alias of serviceAccountName."),
    serviceAccountName: str("Service account the pod runs as."),
    setHostnameAsFQDN: bool("Use the fully qualified domain name as the pod's host name."),
    shareProcessNamespace: bool("Share one PID namespace between all containers of the pod."),
    subdomain: str("Subdomain giving the pod the name hostname.subdomain.namespace.svc.<cluster domain>."),
    terminationGracePeriodSeconds: int64("Seconds the pod is given to stop gracefully; defaults to 30."),
    tolerations: arr(Toleration, "Taints the pod tolerates.", atomicList),
    topologySpreadConstraints: arr(TopologySpreadConstraint, "How the pod's replicas spread across domains.", {
      patchStrategy: "merge",
      patchMergeKey: "topologyKey",
      listType: "map",
      listMapKeys: ["topologyKey", "whenUnsatisfiable"],
    }),
    volumes: arr(Volume, "Volumes the pod's containers can mount.", {
      patchStrategy: "merge,retainKeys",
      patchMergeKey: "name",
      listType: "map",
      listMapKeys: ["name"],
    }),
  }),
  { required: ["containers"] },
);

export const PodCondition = struct(
  `${CORE}.PodCondition`,
  "One aspect of the pod's current state.",
  () => ({
    lastProbeTime: time("When the condition was last probed."),
    lastTransitionTime: time("When the condition last changed status."),
    message: str("Human-readable details of the last transition."),
    observedGeneration: int64("Pod generation the condition was set against."),
    reason: str("One-word CamelCase reason for the last transition."),
    status: str('Status of the condition: "True", "False" or "Unknown".'),
    type: str("Type of the condition, such as Ready or PodScheduled."),
  }),
  { required: ["type", "status"] },
);

export const ContainerStateWaiting = struct(
  `${CORE}.ContainerStateWaiting`,
  "A container that has not started yet.",
  () => ({
    message: str("Details of why the container is waiting."),
    reason: str("Short reason the container is waiting, such as ContainerCreating."),
  }),
);

export const ContainerStateRunning = struct(`${CORE}.ContainerStateRunning`, "A running container.", () => ({
  startedAt: time("When the container last started."),
}));

export const ContainerStateTerminated = struct(
  `${CORE}.ContainerStateTerminated`,
  "A container that has exited.",
  () => ({
    containerID: str("Runtime ID of the container, as <type>://<id>."),
    exitCode: int32("Exit status of the last run."),
    finishedAt: time("When the container last exited."),
    message: str("Details of the last exit."),
    reason: str("Short reason for the last exit, such as Completed or Error."),
    signal: int32("Signal that ended the last run, if any."),
    startedAt: time("When the last run started."),
  }),
  { required: ["exitCode"] },
);

export const ContainerState = struct(
  `${CORE}.ContainerState`,
  "The state of a container; exactly one field is set, defaulting to waiting.",
  () => ({
    running: ref(ContainerStateRunning, "Set while the container runs."),
    terminated: ref(ContainerStateTerminated, "Set once the container has exited."),
    waiting: ref(ContainerStateWaiting, "Set while the container waits to start."),
  }),
);

export const VolumeMountStatus = struct(
  `${CORE}.VolumeMountStatus`,
  "How a volume is actually mounted in a container.",
  () => ({
    mountPath: str("Path inside the container where the volume is mounted."),
    name: str("Name of the mounted volume."),
    readOnly: bool("Whether the mount is read-only."),
    recursiveReadOnly: str('Whether read-only applies to sub-mounts: "Disabled" or "Enabled".'),
  }),
  { required: ["name", "mountPath"] },
);

export const LinuxContainerUser = struct(
  `${CORE}.LinuxContainerUser`,
  "The Linux identity of a container's first process.",
  () => ({
    gid: int64("Primary GID."),
    supplementalGroups: arr(int64(), "Supplementary GIDs.", atomicList),
    uid: int64("UID."),
  }),
  { required: ["uid", "gid"] },
);

export const ContainerUser = struct(
  `${CORE}.ContainerUser`,
  "The identity a container's first process runs as.",
  () => ({
    linux: ref(LinuxContainerUser, "Identity on Linux nodes."),
  }),
);

export const ResourceHealth = struct(
  `${CORE}.ResourceHealth`,
  "Health of one allocated device.",
  () => ({
    health: str('Health of the device: "Healthy", "Unhealthy" or "Unknown".'),
    resourceID: str("Unique ID of the device within its resource."),
  }),
  { required: ["resourceID"] },
);

export const ResourceStatus = struct(
  `${CORE}.ResourceStatus`,
  "Health of the devices allocated to a container for one resource.",
  () => ({
    name: str("Resource name, such as a device plugin resource or claim:<claim>/<request>."),
    resources: arr(ResourceHealth, "Health of each allocated device.", {
      listType: "map",
      listMapKeys: ["resourceID"],
    }),
  }),
  { required: ["name"] },
);

export const ContainerStatus = struct(
  `${CORE}.ContainerStatus`,
  "The observed state of one container in a pod.",
  () => ({
    allocatedResources: quantities("Resources the node has allocated to the container."),
    allocatedResourcesStatus: arr(ResourceStatus, "Health of the devices allocated to the container.", mergeBy("name")),
    containerID: str("Runtime ID of the container, as <type>://<id>."),
    image: str("Image the container runs."),
    imageID: str("Resolved ID (digest) of the image."),
    lastState: ref(ContainerState, "State before the last restart."),
    name: str("Name of the container."),
    ready: bool("Whether the container passes its readiness probe."),
    resources: ref(ResourceRequirements, "Resources actually configured for the running container."),
    restartCount: int32("How many times the container has restarted."),
    started: bool("Whether the container has started and passed its startup probe."),
    state: ref(ContainerState, "Current state."),
    stopSignal: str("Signal that will be sent to stop the container.", { enum: SIGNAL }),
    user: ref(ContainerUser, "Identity the container's first process runs as."),
    volumeMounts: arr(VolumeMountStatus, "Volumes actually mounted in the container.", mergeBy("mountPath")),
  }),
  { required: ["name", "ready", "restartCount", "image", "imageID"] },
);

export const HostIP = struct(
  `${CORE}.HostIP`,
  "One IP address of the pod's node.",
  () => ({ ip: str("The address.") }),
  { required: ["ip"] },
);

export const PodIP = struct(
  `${CORE}.PodIP`,
  "One IP address assigned to the pod.",
  () => ({ ip: str("The address.") }),
  { required: ["ip"] },
);

export const PodResourceClaimStatus = struct(
  `${CORE}.PodResourceClaimStatus`,
  "Which ResourceClaim was created for a pod's claim entry.",
  () => ({
    name: str("Name of the entry in spec.resourceClaims."),
    resourceClaimName: str("Name of the ResourceClaim made for this pod; empty when none was needed."),
  }),
  { required: ["name"] },
);

export const PodStatus = struct(`${CORE}.PodStatus`, "The most recently observed state of a pod.", () => ({
  conditions: arr(PodCondition, "Current conditions of the pod.", mergeBy("type")),
  containerStatuses: arr(ContainerStatus, "Status of each app container.", atomicList),
  ephemeralContainerStatuses: arr(ContainerStatus, "Status of each ephemeral container.", atomicList),
  hostIP: str("Primary IP address of the node the pod runs on."),
  hostIPs: arr(HostIP, "IP addresses of the node, primary first.", {
    patchStrategy: "merge",
    patchMergeKey: "ip",
    listType: "atomic",
  }),
  initContainerStatuses: arr(ContainerStatus, "Status of each init container.", atomicList),
  message: str("Human-readable details of why the pod is in this state."),
  nominatedNodeName: str("Node where preemption made room for the pod; not a binding."),
  observedGeneration: int64("Pod generation this status was computed from."),
  phase: str("Coarse stage of the pod's lifecycle.", { enum: POD_PHASE }),
  podIP: str("Primary IP address of the pod."),
  podIPs: arr(PodIP, "IP addresses of the pod, primary first.", mergeBy("ip")),
  qosClass: str("Quality-of-service class derived from the resource settings.", { enum: QOS_CLASS }),
  reason: str("Short CamelCase reason the pod is in this state, such as Evicted."),
  resize: str("Deprecated: state of an in-place resize; see the PodResizePending and PodResizeInProgress conditions."),
  resourceClaimStatuses: arr(PodResourceClaimStatus, "ResourceClaims created for the pod's claim entries.", {
    patchStrategy: "merge,retainKeys",
    patchMergeKey: "name",
    listType: "map",
    listMapKeys: ["name"],
  }),
  startTime: time("When the kubelet acknowledged the pod, before any image was pulled."),
}));

export const Pod = struct(
  `${CORE}.Pod`,
  "A group of containers scheduled together onto one node.",
  () => ({
    ...objectHeader(),
    spec: ref(PodSpec, "Desired behaviour of the pod."),
    status: ref(PodStatus, "Most recently observed state of the pod; read-only."),
  }),
  { gvk: coreKind("Pod") },
);

export const PodTemplateSpec = struct(`${CORE}.PodTemplateSpec`, "Template from which pods are created.", () => ({
  metadata: ref(ObjectMeta, "Metadata given to created pods."),
  spec: ref(PodSpec, "Spec given to created pods."),
}));

export const Binding = struct(
  `${CORE}.Binding`,
  "Binds a pod to a node; posted to the pod's binding subresource.",
  () => ({
    ...objectHeader(),
    target: ref(ObjectReference, "The node to bind to."),
  }),
  { required: ["target"], gvk: coreKind("Binding") },
);

// ---------------------------------------------------------------------------------------------------
// Node
// ---------------------------------------------------------------------------------------------------

export const ConfigMapNodeConfigSource = struct(
  `${CORE}.ConfigMapNodeConfigSource`,
  "Deprecated: a ConfigMap used as kubelet configuration.",
  () => ({
    kubeletConfigKey: str("Key of the ConfigMap holding the KubeletConfiguration."),
    name: str("Name of the ConfigMap."),
    namespace: str("Namespace of the ConfigMap."),
    resourceVersion: str("resourceVersion of the ConfigMap; only in status."),
    uid: str("UID of the ConfigMap; only in status."),
  }),
  { required: ["namespace", "name", "kubeletConfigKey"] },
);

export const NodeConfigSource = struct(
  `${CORE}.NodeConfigSource`,
  "Deprecated: where the node's kubelet configuration comes from.",
  () => ({ configMap: ref(ConfigMapNodeConfigSource, "ConfigMap holding the configuration.") }),
);

export const NodeConfigStatus = struct(
  `${CORE}.NodeConfigStatus`,
  "Deprecated: state of the dynamically assigned kubelet configuration.",
  () => ({
    active: ref(NodeConfigSource, "Configuration the node is running."),
    assigned: ref(NodeConfigSource, "Configuration the node will try to use."),
    error: str("Problem reconciling the configuration."),
    lastKnownGood: ref(NodeConfigSource, "Configuration the node falls back to on error."),
  }),
);

export const NodeSpec = struct(`${CORE}.NodeSpec`, "How a node is configured and whether it takes pods.", () => ({
  configSource: ref(NodeConfigSource, "Deprecated: dynamic kubelet configuration source."),
  externalID: str("Deprecated and unused."),
  podCIDR: str("Pod IP range assigned to the node."),
  podCIDRs: arr(str(), "Pod IP ranges assigned to the node, at most one per IP family.", {
    patchStrategy: "merge",
    listType: "set",
  }),
  providerID: str("ID of the node in the cloud provider, as <provider>://<id>."),
  taints: arr(Taint, "Taints that repel pods not tolerating them.", atomicList),
  unschedulable: bool("Keep new pods off the node (cordon)."),
}));

export const NodeAddress = struct(
  `${CORE}.NodeAddress`,
  "One address of a node.",
  () => ({
    address: str("The address."),
    type: str("Kind of address: Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS."),
  }),
  { required: ["type", "address"] },
);

export const NodeCondition = struct(
  `${CORE}.NodeCondition`,
  "One aspect of a node's current state.",
  () => ({
    lastHeartbeatTime: time("When the condition was last reported."),
    lastTransitionTime: time("When the condition last changed status."),
    message: str("Human-readable details of the last transition."),
    reason: str("One-word CamelCase reason for the last transition."),
    status: str('Status of the condition: "True", "False" or "Unknown".'),
    type: str("Type of the condition, such as Ready or MemoryPressure."),
  }),
  { required: ["type", "status"] },
);

export const DaemonEndpoint = struct(
  `${CORE}.DaemonEndpoint`,
  "A port a node daemon listens on.",
  () => ({ Port: int32("Port number.") }),
  { required: ["Port"] },
);

export const NodeDaemonEndpoints = struct(
  `${CORE}.NodeDaemonEndpoints`,
  "Ports of the daemons running on a node.",
  () => ({ kubeletEndpoint: ref(DaemonEndpoint, "Port the kubelet listens on.") }),
);

export const ContainerImage = struct(`${CORE}.ContainerImage`, "A container image present on a node.", () => ({
  names: arr(str(), "Names and digests the image is known by.", atomicList),
  sizeBytes: int64("Size of the image in bytes."),
}));

export const NodeSwapStatus = struct(`${CORE}.NodeSwapStatus`, "Swap memory of a node.", () => ({
  capacity: int64("Total swap in bytes."),
}));

export const NodeSystemInfo = struct(
  `${CORE}.NodeSystemInfo`,
  "Identity and software versions reported by a node.",
  () => ({
    architecture: str("CPU architecture reported by the node."),
    bootID: str("ID of the current boot."),
    containerRuntimeVersion: str("Container runtime and version, as <runtime>://<version>."),
    kernelVersion: str("Kernel release, as from uname -r."),
    kubeProxyVersion: str("Deprecated: kube-proxy version, not reliably set."),
    kubeletVersion: str("Kubelet version."),
    machineID: str("Machine ID of the node, from /etc/machine-id."),
    operatingSystem: str("Operating system reported by the node."),
    osImage: str("OS image, from /etc/os-release."),
    swap: ref(NodeSwapStatus, "Swap memory of the node."),
    systemUUID: str("System UUID of the node."),
  }),
  {
    required: [
      "machineID",
      "systemUUID",
      "bootID",
      "kernelVersion",
      "osImage",
      "containerRuntimeVersion",
      "kubeletVersion",
      "kubeProxyVersion",
      "operatingSystem",
      "architecture",
    ],
  },
);

export const AttachedVolume = struct(
  `${CORE}.AttachedVolume`,
  "A volume attached to a node.",
  () => ({
    devicePath: str("Path where the device should be available."),
    name: str("Name of the attached volume."),
  }),
  { required: ["name", "devicePath"] },
);

export const NodeRuntimeHandlerFeatures = struct(
  `${CORE}.NodeRuntimeHandlerFeatures`,
  "Optional features a runtime handler supports.",
  () => ({
    recursiveReadOnlyMounts: bool("Whether recursive read-only mounts are supported."),
    userNamespaces: bool("Whether user namespaces are supported."),
  }),
);

export const NodeRuntimeHandler = struct(
  `${CORE}.NodeRuntimeHandler`,
  "A runtime handler available on a node.",
  () => ({
    features: ref(NodeRuntimeHandlerFeatures, "Features the handler supports."),
    name: str("Handler name; empty for the default handler."),
  }),
);

export const NodeFeatures = struct(`${CORE}.NodeFeatures`, "Optional features a node implements.", () => ({
  supplementalGroupsPolicy: bool("Whether the node honours the pod's supplementalGroupsPolicy."),
}));

export const NodeStatus = struct(`${CORE}.NodeStatus`, "The most recently observed state of a node.", () => ({
  addresses: arr(NodeAddress, "Addresses the node is reachable at.", mergeBy("type")),
  allocatable: quantities("Resources available to pods, after system reservations."),
  capacity: quantities("Total resources of the node."),
  conditions: arr(NodeCondition, "Current conditions of the node.", mergeBy("type")),
  config: ref(NodeConfigStatus, "Deprecated: state of dynamic kubelet configuration."),
  daemonEndpoints: ref(NodeDaemonEndpoints, "Ports of the daemons on the node."),
  features: ref(NodeFeatures, "Optional features the node implements."),
  images: arr(ContainerImage, "Container images present on the node.", atomicList),
  nodeInfo: ref(NodeSystemInfo, "Identity and software versions of the node."),
  phase: str("Deprecated lifecycle phase of the node.", { enum: NODE_PHASE }),
  runtimeHandlers: arr(NodeRuntimeHandler, "Runtime handlers available on the node.", atomicList),
  volumesAttached: arr(AttachedVolume, "Volumes attached to the node.", atomicList),
  volumesInUse: arr(str(), "Attachable volumes in use by pods on the node.", atomicList),
}));

export const Node = struct(
  `${CORE}.Node`,
  "A machine that runs pods.",
  () => ({
    ...objectHeader(),
    spec: ref(NodeSpec, "Configuration of the node."),
    status: ref(NodeStatus, "Most recently observed state of the node; read-only."),
  }),
  { gvk: coreKind("Node") },
);

// ---------------------------------------------------------------------------------------------------
// Namespace
// ---------------------------------------------------------------------------------------------------

export const NamespaceSpec = struct(`${CORE}.NamespaceSpec`, "Configuration of a namespace.", () => ({
  finalizers: arr(str(), "Finalizers that must run before the namespace is removed.", atomicList),
}));

export const NamespaceCondition = struct(
  `${CORE}.NamespaceCondition`,
  "One aspect of a namespace's current state.",
  () => ({
    lastTransitionTime: time("When the condition last changed status."),
    message: str("Human-readable details of the last transition."),
    reason: str("One-word CamelCase reason for the last transition."),
    status: str('Status of the condition: "True", "False" or "Unknown".'),
    type: str("Type of the condition, such as NamespaceDeletionContentFailure."),
  }),
  { required: ["type", "status"] },
);

export const NamespaceStatus = struct(`${CORE}.NamespaceStatus`, "The observed state of a namespace.", () => ({
  conditions: arr(NamespaceCondition, "Current conditions of the namespace.", mergeBy("type")),
  phase: str("Lifecycle phase of the namespace.", { enum: NAMESPACE_PHASE }),
}));

export const Namespace = struct(
  `${CORE}.Namespace`,
  "A scope for names that groups namespaced objects.",
  () => ({
    ...objectHeader(),
    spec: ref(NamespaceSpec, "Configuration of the namespace."),
    status: ref(NamespaceStatus, "Observed state of the namespace; read-only."),
  }),
  { gvk: coreKind("Namespace") },
);

// ---------------------------------------------------------------------------------------------------
// Event (core/v1)
// ---------------------------------------------------------------------------------------------------

export const EventSource = struct(`${CORE}.EventSource`, "The component and host that reported an event.", () => ({
  component: str("Component that reported the event."),
  host: str("Node name where the event was generated."),
}));

export const EventSeries = struct(`${CORE}.EventSeries`, "Data about a run of repeated events.", () => ({
  count: int32("Number of occurrences so far."),
  lastObservedTime: time("When the last occurrence was seen.", { micro: true }),
}));

export const Event = struct(
  `${CORE}.Event`,
  "A report of something that happened to an object.",
  () => ({
    ...objectHeader(),
    action: str("What action was taken or failed on the object."),
    count: int32("How many times the event has occurred."),
    eventTime: time("When the event was first observed.", { micro: true }),
    firstTimestamp: time("When the event was first recorded."),
    involvedObject: ref(ObjectReference, "The object the event is about."),
    lastTimestamp: time("When the event most recently occurred."),
    message: str("Human-readable description of what happened."),
    reason: str("Short machine-readable reason, such as FailedScheduling."),
    related: ref(ObjectReference, "A second object involved, if any."),
    reportingComponent: str("Controller that emitted the event, such as kubernetes.io/kubelet."),
    reportingInstance: str("ID of the controller instance that emitted the event."),
    series: ref(EventSeries, "Data about the run of repeated events, if any."),
    source: ref(EventSource, "Component reporting the event."),
    type: str("Type of the event: Normal or Warning."),
  }),
  { required: ["metadata", "involvedObject"], gvk: coreKind("Event") },
);

// ---------------------------------------------------------------------------------------------------
// ConfigMap, Secret, ServiceAccount
// ---------------------------------------------------------------------------------------------------

export const ConfigMap = struct(
  `${CORE}.ConfigMap`,
  "Configuration data for pods to consume.",
  () => ({
    ...objectHeader(),
    binaryData: map(bytes(), "Binary values, base64-encoded; keys must not repeat those of data."),
    data: map(str(), "UTF-8 string values; keys must not repeat those of binaryData."),
    immutable: bool("When true, the data can no longer be changed."),
  }),
  { gvk: coreKind("ConfigMap") },
);

export const Secret = struct(
  `${CORE}.Secret`,
  "Sensitive data such as passwords, tokens or keys.",
  () => ({
    ...objectHeader(),
    data: map(bytes(), "Secret values, base64-encoded."),
    immutable: bool("When true, the data can no longer be changed."),
    stringData: map(str(), "Write-only plain-text values merged into data on write."),
    type: str("Type that tells how the data is used, such as kubernetes.io/tls; defaults to Opaque."),
  }),
  { gvk: coreKind("Secret") },
);

export const ServiceAccount = struct(
  `${CORE}.ServiceAccount`,
  "An identity for processes running in pods.",
  () => ({
    ...objectHeader(),
    automountServiceAccountToken: bool("Whether pods using this account get a token mounted by default."),
    imagePullSecrets: arr(
      LocalObjectReference,
      "Secrets added to pods of this account for pulling images.",
      atomicList,
    ),
    secrets: arr(ObjectReference, "Secrets pods of this account may use.", mergeBy("name")),
  }),
  { gvk: coreKind("ServiceAccount") },
);
