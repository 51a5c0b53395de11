// `loci server`: the HTTPS API server (HTTP/2 and HTTP/1.1 by ALPN) over the embedded store. It owns the data
// directory, the PKI, the watch caches (one per resource, fed by one store watch) and the registries.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse, Http2Session } from "node:http2";
import { join, resolve } from "node:path";
import type { Duplex } from "node:stream";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { coreEventToEventsV1, eventsV1ToCoreEvent } from "../api/convert/events.ts";
import { ApiError, errors } from "../api/errors.ts";
import type { KubeObject } from "../api/object.ts";
import { RESOURCES, type ResourceInfo } from "../api/resources.ts";
import { SqliteStore } from "../store/sqlite-store.ts";
import type { Store, WatchEvent } from "../store/store.ts";
import { authenticate, IN_PROCESS_USER, isAdmin, type UserInfo } from "./auth/authenticator.ts";
import { admitNodeWrite, authorizeNode, forbidden } from "./auth/node-authorizer.ts";
import { checkVersion, DataDirError, lockDataDir, writeKubeconfig } from "./data-dir.ts";
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  discoveryContentType,
  negotiateDiscovery,
} from "./discovery.ts";
import { type ApiRequest, type ApiResponse, Handlers } from "./handlers.ts";
import { registerJoinRoutes } from "./join-routes.ts";
import { ApiMetrics } from "./metrics.ts";
import { NodeTunnels, TUNNEL_CONTENT_TYPE } from "./node-tunnels.ts";
import { OPENAPI_V2_PROTOBUF_RESPONSE_CONTENT_TYPE, servedOpenApiV2Protobuf } from "./openapi/protobuf.ts";
import { servedOpenApiV2 } from "./openapi/v2.ts";
import { buildOpenApiV3Index, servedOpenApiV3 } from "./openapi/v3.ts";
import { ensurePki } from "./pki.ts";
import { PodExec } from "./pod-exec.ts";
import { streamPodLog } from "./pod-log.ts";
import { Registry, type StorageCodec } from "./registry.ts";
import { parseRequestPath } from "./request-info.ts";
import { seedObjects, strategyFor } from "./strategies/index.ts";
import type { WriteContext } from "./strategies/strategy.ts";
import { type CachedObject, cachedObject, WatchCache } from "./watch-cache.ts";

export const LOCI_VERSION = "0.1.0";

/** A resource request without its transport (HTTP or in-process). */
export interface LocalRequest {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  headers: Record<string, string | string[] | undefined>;
  body?: Buffer;
  /** The authenticated caller of an HTTP request; in-process requests have none and are trusted. */
  user?: UserInfo;
}
export const KUBE_MINOR = "33";

export interface ServerOptions {
  dataDir: string;
  /** host:port; port 0 picks a free port. */
  listen: string;
  tlsSans?: string[];
  advertiseUrl?: string;
  maxRequestBytes?: number;
  eventTtlSeconds?: number;
  compactionIntervalMs?: number;
  bookmarkIntervalMs?: number;
  /** Non-watch requests taking longer are answered 504. */
  requestTimeoutMs?: number;
  defaultNotReadyTolerationSeconds?: number;
  defaultUnreachableTolerationSeconds?: number;
}

export class ApiServer {
  readonly metrics = new ApiMetrics();
  /** Connections opened by node agents, for the requests the API server makes to nodes (logs). */
  readonly tunnels = new NodeTunnels();
  private readonly exec = new PodExec({
    authenticate: (h) => this.authenticate(h),
    pod: (ns, name) => this.cached("", "pods", ns, name),
    tunnels: this.tunnels,
  });
  /** The authenticated caller of each HTTP request. */
  private readonly users = new WeakMap<object, UserInfo>();
  private readonly registries = new Map<string, Registry>();
  private readonly sessions = new Set<Http2Session>();
  private revision = 0;
  private app!: FastifyInstance;
  private releaseLock?: () => void;
  private store!: SqliteStore;
  private handlers!: Handlers;
  url = "";
  caHash = "";
  caPem = "";
  kubeconfigPath = "";
  adminToken = "";

  private constructor(readonly opts: ServerOptions) {}

  static async start(opts: ServerOptions): Promise<ApiServer> {
    const s = new ApiServer(opts);
    try {
      await s.init();
    } catch (e) {
      await s.close().catch(() => {});
      throw e;
    }
    return s;
  }

  private key(info: { group: string; resource: string }): string {
    return `${info.group}/${info.resource}`;
  }

  registry(info: ResourceInfo): Registry {
    return this.registries.get(this.key(info))!;
  }

  registryFor(group: string, resource: string): Registry | undefined {
    return this.registries.get(`${group}/${resource}`);
  }

  currentRevision(): number {
    return this.revision;
  }

  private async init(): Promise<void> {
    const dir = resolve(this.opts.dataDir);
    this.releaseLock = lockDataDir(dir);
    checkVersion(dir);
    const pki = await ensurePki(dir, this.opts.tlsSans ?? []);
    this.adminToken = pki.adminToken;
    this.caHash = pki.caHash;
    this.caPem = pki.caPem;
    this.store = SqliteStore.open(join(dir, "state.db"), {
      onCommit: ({ batchSize, seconds }) => {
        this.metrics.commitBatch.observe(batchSize);
        this.metrics.commitLatency.observe(seconds);
      },
    });
    const compactionMs = this.opts.compactionIntervalMs ?? 5 * 60_000;
    this.store.startMaintenance({ compactionIntervalMs: compactionMs, checkpointIntervalMs: 60_000 });
    await this.loadCaches(this.store);
    await this.seed();
    this.handlers = new Handlers({
      currentRevision: () => this.revision,
      newContext: (req) => this.newContext(req.user),
      bookmarkIntervalMs: this.opts.bookmarkIntervalMs ?? 60_000,
      onWatchOpen: (i) => this.metrics.watchers.inc({ group: i.group, resource: i.resource }),
      onWatchClose: (i) => this.metrics.watchers.dec({ group: i.group, resource: i.resource }),
    });
    await this.listen(pki);
    this.kubeconfigPath = join(dir, "admin.kubeconfig");
    writeKubeconfig(this.kubeconfigPath, this.url, pki.caPem, pki.adminToken);
  }

  /** Loads every resource into its cache at one revision, then follows the store from there. */
  private async loadCaches(store: Store): Promise<void> {
    const { kvs, revision } = await store.range("/registry/");
    this.revision = revision;
    // Several API versions may share a storage prefix (core and events.k8s.io events): each gets its own cache,
    // holding objects in its own shape.
    const caches: Array<{ prefix: string; info: ResourceInfo; cache: WatchCache; codec?: StorageCodec }> = [];
    for (const info of RESOURCES) {
      const prefix = `/registry/${info.storagePrefix}/`;
      const codec = codecFor(info);
      const view = (key: string, value: string, rv: number) => {
        const stored = JSON.parse(value) as KubeObject;
        return cachedObject(key, codec ? codec.fromStorage(stored) : stored, rv, indexesNode(info));
      };
      const initial = kvs.filter((kv) => kv.key.startsWith(prefix)).map((kv) => view(kv.key, kv.value, kv.modRevision));
      const cache = new WatchCache(info.resource, initial, revision, 50_000, {
        onEvaluate: (index, n) => this.metrics.watchEvaluations.inc({ resource: info.resource, index }, n),
      });
      caches.push({ prefix, info, cache, codec });
      this.registries.set(this.key(info), new Registry(info, store, cache, strategyFor(info, this.opts), codec));
      this.feeders.push({ prefix, cache, view, node: indexesNode(info) });
    }
    store.watch("/registry/", revision + 1, {
      onEvents: (events: WatchEvent[]) => {
        for (const ev of events) {
          for (const f of this.feeders) {
            if (!ev.key.startsWith(f.prefix)) continue;
            const prev = f.cache.get(ev.key);
            if (ev.type === "put" && ev.kv) {
              f.cache.apply({
                type: prev ? "MODIFIED" : "ADDED",
                rv: ev.revision,
                cur: f.view(ev.key, ev.kv.value, ev.kv.modRevision),
                prev,
              });
            } else if (ev.type === "delete" && prev) {
              f.cache.apply({
                type: "DELETED",
                rv: ev.revision,
                cur: cachedObject(ev.key, prev.obj, ev.revision, f.node),
                prev,
              });
            }
          }
          this.revision = ev.revision;
        }
      },
    });
    this.compactionFollower = setInterval(() => this.syncCompaction(), 1000);
    this.compactionFollower.unref();
  }

  private readonly feeders: Array<{
    prefix: string;
    cache: WatchCache;
    node: boolean;
    view: (key: string, value: string, rv: number) => CachedObject;
  }> = [];
  private compactionFollower?: NodeJS.Timeout;
  private lastCompacted = 0;

  /** Makes the caches forget history the store compacted, so old resourceVersions get 410 like upstream. */
  private syncCompaction(): void {
    const c = this.store.compactedRevision();
    if (c <= this.lastCompacted) return;
    this.lastCompacted = c;
    for (const f of this.feeders) f.cache.compact(c);
  }

  private newContext(user?: UserInfo): WriteContext {
    return {
      now: new Date(),
      dryRun: false,
      warnings: [],
      lookup: (resource, group, namespace, name) => this.cached(group, resource, namespace, name),
      restrict: user?.node ? (info, obj, old) => admitNodeWrite(user, info, obj, old) : undefined,
    };
  }

  private cached(group: string, resource: string, namespace: string, name: string): KubeObject | undefined {
    const reg = this.registryFor(group, resource);
    return reg?.cache.get(reg.key(namespace, name))?.obj;
  }

  /** The caller behind an Authorization header (undefined: 401). */
  authenticate(header: string | undefined): UserInfo | undefined {
    return authenticate(header, {
      adminToken: this.adminToken,
      secret: (name) => this.cached("", "secrets", "kube-system", name),
      now: () => Date.now(),
    });
  }

  /** Objects every cluster has from the start (namespaces, built-in priority classes). */
  private async seed(): Promise<void> {
    for (const { resource, group, obj } of seedObjects()) {
      const reg = this.registryFor(group, resource)!;
      const ns = obj.metadata.namespace ?? "";
      if (reg.cache.get(reg.key(ns, obj.metadata.name!))) continue;
      await reg.create(ns, structuredClone(obj) as KubeObject, { ...this.newContext() });
    }
  }

  private async listen(pki: { certPem: string; keyPem: string }): Promise<void> {
    const maxBytes = this.opts.maxRequestBytes ?? 3 * 1024 * 1024;
    const app = Fastify({
      http2: true,
      // Thousands of watch streams on one connection (hollow nodes, informers) need more than the 10 MB default
      // per-session allowance, which otherwise resets streams with ENHANCE_YOUR_CALM.
      https: { allowHTTP1: true, key: pki.keyPem, cert: pki.certPem, maxSessionMemory: 256 },
      bodyLimit: maxBytes,
      logger: false,
      routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
      requestTimeout: 0,
      // Malformed HTTP gets a Status like everything else.
      clientErrorHandler: (err: Error, socket: import("node:net").Socket) => {
        if (!socket.writable) return;
        const body = JSON.stringify(errors.badRequest(`malformed HTTP request: ${err.message}`).toStatus());
        socket.end(
          `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      },
    } as never) as unknown as FastifyInstance;
    this.app = app;
    // WebSocket upgrades (kubectl exec) arrive as HTTP/1.1 upgrade requests, outside fastify's routing.
    app.server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (!this.exec.handleUpgrade(req, socket, head)) socket.destroy();
    });
    app.server.on("session", (session: Http2Session) => {
      this.sessions.add(session);
      session.once("close", () => this.sessions.delete(session));
    });
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: maxBytes }, (_req, body, done) => done(null, body));
    // A tunnel's body is the agent's half of a byte stream: left unread here, taken over by the route.
    app.addContentTypeParser(TUNNEL_CONTENT_TYPE, (_req, _payload, done) => done(null, undefined));
    app.setErrorHandler((err: Error, _req, reply) => {
      let api: ApiError;
      if (err instanceof ApiError) api = err;
      else if ((err as { code?: string }).code === "FST_ERR_CTP_BODY_TOO_LARGE") api = errors.tooLarge(maxBytes);
      else if ((err as { statusCode?: number }).statusCode === 400) api = errors.badRequest(err.message);
      else {
        if (process.env.LOCI_DEBUG) console.error(err);
        api = errors.internal(err.message);
      }
      reply.code(api.code).header("content-type", "application/json").send(JSON.stringify(api.toStatus()));
    });
    app.setNotFoundHandler((req, reply) => {
      const s = new ApiError(404, "NotFound", "the server could not find the requested resource", {});
      reply.code(404).header("content-type", "application/json").send(JSON.stringify(s.toStatus()));
      this.countRequest(req.method, undefined, 404);
    });
    app.addHook("onRequest", async (req) => {
      const path = req.url.split("?")[0];
      if (["/healthz", "/livez", "/readyz", "/version", "/loci/v1/cluster-info"].includes(path)) return;
      const user = this.authenticate(req.headers.authorization);
      if (!user) throw errors.unauthorized();
      this.users.set(req.raw, user);
    });
    const text = (body: string) => (_req: FastifyRequest, reply: FastifyReply) =>
      reply.type("text/plain; charset=utf-8").send(body);
    app.get("/healthz", text("ok"));
    app.get("/livez", text("ok"));
    app.get("/readyz", text("ok"));
    app.get("/version", (_req, reply) => {
      reply.send({
        major: "1",
        minor: KUBE_MINOR,
        gitVersion: `v1.${KUBE_MINOR}.0-loci.${LOCI_VERSION}`,
        gitCommit: "loci",
        gitTreeState: "clean",
        buildDate: "2026-11-21T00:00:00Z",
        goVersion: `node${process.versions.node}`,
        compiler: "loci",
        platform: `${process.platform}/${process.arch === "x64" ? "amd64" : process.arch}`,
      });
    });
    app.get("/metrics", async (_req, reply) => {
      for (const reg of this.registries.values()) {
        if (!reg.info.storageOf) {
          this.metrics.watchers.set(
            { group: reg.info.group, resource: reg.info.resource },
            reg.cache.watchersRegistered,
          );
        }
      }
      reply.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
    });
    app.get("/openapi/v2", (req, reply) => {
      if ((req.headers.accept ?? "").includes("protobuf")) {
        // Not the Accept value: Go's mime parser (kubectl 1.27) rejects its `@`.
        const { bytes, etag } = servedOpenApiV2Protobuf();
        reply.type(OPENAPI_V2_PROTOBUF_RESPONSE_CONTENT_TYPE).header("etag", etag).header("vary", "Accept").send(bytes);
        return;
      }
      const { json, etag } = servedOpenApiV2();
      reply.type("application/json").header("etag", etag).header("vary", "Accept").send(json);
    });
    app.get("/openapi/v3", (_req, reply) => {
      reply.type("application/json").send(buildOpenApiV3Index());
    });
    app.get("/openapi/v3/*", (req, reply) => {
      const gv = (req.params as { "*": string })["*"].replace(/^apis\//, "").replace(/^api\//, "");
      const served = servedOpenApiV3(gv);
      if (!served) throw new ApiError(404, "NotFound", "the server could not find the requested resource", {});
      reply
        .type("application/json")
        .header("etag", served.etag)
        .header("cache-control", "public, immutable")
        .send(served.json);
    });
    registerJoinRoutes(app, {
      url: () => this.url,
      caPem: () => this.caPem,
      caHash: () => this.caHash,
      user: (req) => this.users.get(req.raw),
      secrets: () => this.registryFor("", "secrets")!,
      newContext: () => this.newContext(),
    });
    app.post("/loci/v1/nodes/:name/tunnel", (req, reply) => {
      const user = this.users.get(req.raw);
      const node = (req.params as { name: string }).name;
      if (!user || !(isAdmin(user) || user.node === node)) {
        throw errors.forbidden(`User "${user?.name}" cannot open the tunnel of node "${node}"`);
      }
      const stream = (req.raw as unknown as Http2ServerRequest).stream;
      if (!stream) throw errors.badRequest("a node tunnel needs HTTP/2");
      reply.hijack();
      stream.respond({ ":status": 200, "content-type": TUNNEL_CONTENT_TYPE });
      this.tunnels.attach(node, stream);
    });
    app.get("/api", (req, reply) => this.discovery(req, reply, true));
    app.get("/apis", (req, reply) => this.discovery(req, reply, false));
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"] as const) {
      app.route({ method, url: "/api/*", handler: (req, reply) => this.resourceRequest(req, reply) });
      app.route({ method, url: "/apis/*", handler: (req, reply) => this.resourceRequest(req, reply) });
    }
    const [host, portText] = splitHostPort(this.opts.listen);
    await app.listen({ host, port: Number(portText) });
    const addr = app.server.address();
    const port = typeof addr === "object" && addr ? addr.port : Number(portText);
    const urlHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host.includes(":") ? `[${host}]` : host;
    this.url = `https://${urlHost}:${port}`;
  }

  private discovery(req: FastifyRequest, reply: FastifyReply, core: boolean): void {
    const format = negotiateDiscovery(req.headers.accept);
    if (format === "legacy") {
      const host = (req.headers.host ?? req.headers[":authority"] ?? "127.0.0.1") as string;
      reply.type("application/json").send(core ? apiVersions(host) : apiGroupList());
      return;
    }
    reply
      .type(discoveryContentType(format))
      .header("vary", "Accept")
      .send(JSON.stringify(aggregatedDiscovery(core, format)));
  }

  private countRequest(verb: string, info: ResourceInfo | undefined, code: number, sub = ""): void {
    this.metrics.requests.inc({
      verb,
      group: info?.group ?? "",
      resource: info?.resource ?? "",
      subresource: sub,
      code: String(code),
    });
  }

  private async resourceRequest(req: FastifyRequest, reply: FastifyReply): Promise<void> {
    const raw = reply.raw as ServerResponse | Http2ServerResponse;
    const res = await this.handle(
      {
        method: req.method,
        path: req.url.split("?")[0],
        query: req.query as Record<string, string>,
        headers: req.headers,
        body: req.body as Buffer | undefined,
        user: this.users.get(req.raw),
      },
      raw,
      () => reply.hijack(),
    );
    if (res.discovery !== undefined) {
      reply.type("application/json").send(res.discovery);
      return;
    }
    if (res.streamed) return;
    reply.code(res.code).type("application/json");
    if (res.warnings?.length) {
      reply.header("warning", res.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(", "));
    }
    reply.send(res.json ?? JSON.stringify(res.body));
  }

  /**
   * Serves one resource request, whatever carried it: HTTP (above) or the in-process client. Errors are thrown as
   * ApiError except on watches, whose failures are written to `raw` as a Status. `hijack` is called before a watch
   * takes over `raw`.
   */
  async handle(
    r: LocalRequest,
    raw: ServerResponse | Http2ServerResponse,
    hijack: () => void = () => {},
  ): Promise<ApiResponse & { discovery?: unknown }> {
    const path = r.path;
    const ri = parseRequestPath(path);
    if (!ri) throw new ApiError(404, "NotFound", "the server could not find the requested resource", {});
    if (!ri.resource) {
      // Group-version discovery or group document.
      const gv = ri.group ? `${ri.group}/${ri.version}` : ri.version;
      const list = apiResourceList(gv);
      if (list) return { code: 200, discovery: list };
      throw new ApiError(404, "NotFound", "the server could not find the requested resource", {});
    }
    if (!ri.info) {
      // `/apis/apps` (group document) parses as version="" with resource; handle the group document here.
      const group = path.split("/").filter(Boolean);
      if (group[0] === "apis" && group.length === 2) {
        const g = apiGroup(group[1]);
        if (g) return { code: 200, discovery: g };
      }
      throw new ApiError(404, "NotFound", "the server could not find the requested resource", {});
    }
    const reg = this.registry(ri.info);
    const user = r.user ?? IN_PROCESS_USER;
    const apiReq: ApiRequest = { method: r.method, ri, query: r.query, headers: r.headers, body: r.body, raw, user };
    const q = apiReq.query;
    const sub = ri.subresource;
    const isWatch = r.method === "GET" && !ri.name && (q.watch === "true" || q.watch === "1");
    // Responses written to `raw` as they come: watches and pod logs.
    const isStream = isWatch || (r.method === "GET" && sub === "log");
    const verb = isWatch ? "WATCH" : r.method === "GET" && !ri.name ? "LIST" : r.method;
    const started = process.hrtime.bigint();
    if (ri.info.namespaced && !ri.namespace && ri.name) {
      throw new ApiError(404, "NotFound", "the server could not find the requested resource", {});
    }
    if (sub && !ri.info.subresources.some((s) => s.name === sub)) {
      throw new ApiError(404, "NotFound", "the server could not find the requested resource", {});
    }
    if (!isAdmin(user)) this.authorize(user, r.method, isWatch, ri.info, ri.namespace, ri.name, sub, q.fieldSelector);
    let res: ApiResponse;
    try {
      if (isStream) {
        hijack();
        res = await this.dispatch(r.method, apiReq, reg);
      } else {
        res = await withTimeout(this.dispatch(r.method, apiReq, reg), this.opts.requestTimeoutMs ?? 60_000);
      }
    } catch (e) {
      const code = e instanceof ApiError ? e.code : 500;
      this.countRequest(verb, ri.info, code, sub);
      if (isStream) {
        const status = (e instanceof ApiError ? e : errors.internal((e as Error).message)).toStatus();
        raw.writeHead(status.code, { "content-type": "application/json" });
        raw.end(JSON.stringify(status));
        return { code: status.code, streamed: true };
      }
      throw e;
    }
    this.countRequest(verb, ri.info, res.code, sub);
    if (!res.streamed) {
      this.metrics.latency.observe(
        { verb, group: ri.info.group, resource: ri.info.resource, subresource: sub ?? "" },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    }
    return res;
  }

  /** Non-admin callers: node credentials get the Node authorizer's rules; anyone else (bootstrap tokens) nothing. */
  private authorize(
    user: UserInfo,
    method: string,
    isWatch: boolean,
    info: ResourceInfo,
    namespace: string,
    name: string | undefined,
    subresource: string | undefined,
    fieldSelector: string | undefined,
  ): void {
    const verbs: Record<string, string> = { POST: "create", PUT: "update", PATCH: "patch" };
    const verb = isWatch
      ? "watch"
      : method === "GET"
        ? name
          ? "get"
          : "list"
        : method === "DELETE"
          ? name
            ? "delete"
            : "deletecollection"
          : (verbs[method] ?? method.toLowerCase());
    const req = { verb, info, namespace, name, subresource, fieldSelector };
    if (!user.node) throw forbidden(user, req);
    authorizeNode(user, req, {
      pod: (ns, n) => this.cached("", "pods", ns, n),
      podsOnNode: (node) =>
        this.registryFor("", "pods")!
          .cache.list({ nodeName: node })
          .map((c) => c.obj),
    });
  }

  private async dispatch(method: string, req: ApiRequest, reg: Registry): Promise<ApiResponse> {
    const { name, subresource } = req.ri;
    const verbs = reg.info.verbs;
    const notAllowed = () => errors.methodNotAllowed(`the server does not allow this method on the requested resource`);
    if (subresource === "exec" || subresource === "attach" || subresource === "portforward") {
      // The upgrade requests never get here (see the server's upgrade handling); a plain request is refused.
      throw new ApiError(400, "BadRequest", "Upgrade request required", {});
    }
    switch (method) {
      case "GET":
        if (name && subresource === "log") {
          return streamPodLog(reg.get(req.ri.namespace ?? "", name).obj, req.query, this.tunnels, req.raw);
        }
        if (name) return this.handlers.get(req, reg);
        if (req.query.watch === "true" || req.query.watch === "1") return this.handlers.watch(req, reg);
        return this.handlers.list(req, reg);
      case "POST":
        if (!name) return this.handlers.create(req, reg);
        if (subresource === "binding") return this.handlers.binding(req, reg);
        if (subresource === "eviction") return this.handlers.eviction(req, reg);
        throw notAllowed();
      case "PUT":
        if (!name) throw notAllowed();
        return this.handlers.update(req, reg);
      case "PATCH":
        if (!name) throw notAllowed();
        return this.handlers.patch(req, reg);
      case "DELETE":
        if (name) return this.handlers.delete(req, reg);
        if (!verbs.includes("deletecollection")) throw notAllowed();
        return this.handlers.deleteCollection(req, reg);
    }
    throw notAllowed();
  }

  async close(): Promise<void> {
    if (this.compactionFollower) clearInterval(this.compactionFollower);
    this.tunnels.closeAll();
    if (this.app) {
      // Open watches keep HTTP/2 sessions alive: cut them so close() returns and clients see the server go, as
      // they would when the process exits.
      const closing = this.app.close();
      for (const session of this.sessions) session.destroy();
      await Promise.race([closing, new Promise((r) => setTimeout(r, 2000))]);
    }
    if (this.store) await this.store.close();
    this.releaseLock?.();
  }
}

/** Non-watch requests get upstream's 504 after `--request-timeout` (the write may still complete, as upstream). */
async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          errors.timeout("Timeout: request did not complete within requested timeout - context deadline exceeded"),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function codecFor(info: ResourceInfo): StorageCodec | undefined {
  if (info.group === "events.k8s.io") return { toStorage: eventsV1ToCoreEvent, fromStorage: coreEventToEventsV1 };
  return undefined;
}

function indexesNode(info: ResourceInfo): boolean {
  return info.group === "" && info.resource === "pods";
}

function splitHostPort(listen: string): [string, string] {
  const m = /^\[?([^\]]*)\]?:(\d+)$/.exec(listen);
  if (!m) throw new DataDirError(`--listen must be host:port, got ${JSON.stringify(listen)}`);
  return [m[1], m[2]];
}
