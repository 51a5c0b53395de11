// `/openapi/v2` as protobuf (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`): the gnostic
// `openapi.v2.Document` message, which kubectl 1.27/1.28 ask for exclusively. The messages below declare
// the subset of google/gnostic `openapiv2/OpenAPIv2.proto` a Kubernetes document uses, with the same
// field numbers; vendor extensions travel as `NamedAny` whose `Any.yaml` holds the YAML of the value.
import protobuf from "protobufjs";
import { stringify } from "yaml";
import type { JsonObject } from "./json-schema.ts";
import { servedOpenApiV2 } from "./v2.ts";

/** What clients put in `Accept` to ask for this encoding. */
export const OPENAPI_V2_PROTOBUF_CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
/**
 * The `Content-Type` to answer with. kube-apiserver lets Go's http.ServeContent sniff the bytes
 * (application/octet-stream); echoing the Accept value breaks kubectl, whose mime parser rejects the `@`.
 */
export const OPENAPI_V2_PROTOBUF_RESPONSE_CONTENT_TYPE = "application/octet-stream";

const PROTO = `
syntax = "proto3";
package openapi.v2;

message AdditionalPropertiesItem { oneof oneof { Schema schema = 1; bool boolean = 2; } }
// Field 1 (google.protobuf.Any value) is never used by Kubernetes documents.
message Any { string yaml = 2; }
message BodyParameter {
  string description = 1; string name = 2; string in = 3; bool required = 4; Schema schema = 5;
  repeated NamedAny vendor_extension = 6;
}
message Definitions { repeated NamedSchema additional_properties = 1; }
message Document {
  string swagger = 1; Info info = 2; string host = 3; string base_path = 4; repeated string schemes = 5;
  repeated string consumes = 6; repeated string produces = 7; Paths paths = 8; Definitions definitions = 9;
  repeated NamedAny vendor_extension = 16;
}
message Info {
  string title = 1; string version = 2; string description = 3; string terms_of_service = 4;
  repeated NamedAny vendor_extension = 7;
}
message ItemsItem { repeated Schema schema = 1; }
message JsonReference { string _ref = 1; string description = 2; }
message NamedAny { string name = 1; Any value = 2; }
message NamedPathItem { string name = 1; PathItem value = 2; }
message NamedResponseValue { string name = 1; ResponseValue value = 2; }
message NamedSchema { string name = 1; Schema value = 2; }
message NonBodyParameter {
  oneof oneof {
    HeaderParameterSubSchema header_parameter_sub_schema = 1;
    FormDataParameterSubSchema form_data_parameter_sub_schema = 2;
    QueryParameterSubSchema query_parameter_sub_schema = 3;
    PathParameterSubSchema path_parameter_sub_schema = 4;
  }
}
message Operation {
  repeated string tags = 1; string summary = 2; string description = 3; string operation_id = 5;
  repeated string produces = 6; repeated string consumes = 7; repeated ParametersItem parameters = 8;
  Responses responses = 9; repeated string schemes = 10; bool deprecated = 11;
  repeated NamedAny vendor_extension = 13;
}
message Parameter { oneof oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2; } }
message ParametersItem { oneof oneof { Parameter parameter = 1; JsonReference json_reference = 2; } }
message PathItem {
  string _ref = 1; Operation get = 2; Operation put = 3; Operation post = 4; Operation delete = 5;
  Operation options = 6; Operation head = 7; Operation patch = 8; repeated ParametersItem parameters = 9;
  repeated NamedAny vendor_extension = 10;
}
message HeaderParameterSubSchema {
  bool required = 1; string in = 2; string description = 3; string name = 4; string type = 5; string format = 6;
  bool unique_items = 19; repeated NamedAny vendor_extension = 22;
}
message FormDataParameterSubSchema {
  bool required = 1; string in = 2; string description = 3; string name = 4; string type = 6; string format = 7;
  bool unique_items = 20; repeated NamedAny vendor_extension = 23;
}
message QueryParameterSubSchema {
  bool required = 1; string in = 2; string description = 3; string name = 4; bool allow_empty_value = 5;
  string type = 6; string format = 7; bool unique_items = 20; repeated NamedAny vendor_extension = 23;
}
message PathParameterSubSchema {
  bool required = 1; string in = 2; string description = 3; string name = 4; string type = 5; string format = 6;
  bool unique_items = 19; repeated NamedAny vendor_extension = 22;
}
message Paths { repeated NamedAny vendor_extension = 1; repeated NamedPathItem path = 2; }
message Properties { repeated NamedSchema additional_properties = 1; }
message Response {
  string description = 1; SchemaItem schema = 2; repeated NamedAny vendor_extension = 5;
}
message ResponseValue { oneof oneof { Response response = 1; JsonReference json_reference = 2; } }
message Responses { repeated NamedResponseValue response_code = 1; repeated NamedAny vendor_extension = 2; }
message Schema {
  string _ref = 1; string format = 2; string title = 3; string description = 4; Any default = 5;
  double maximum = 7; double minimum = 9; int64 max_length = 11; int64 min_length = 12; string pattern = 13;
  int64 max_items = 14; int64 min_items = 15; bool unique_items = 16; repeated string required = 19;
  repeated Any enum = 20; AdditionalPropertiesItem additional_properties = 21; TypeItem type = 22;
  ItemsItem items = 23; repeated Schema all_of = 24; Properties properties = 25; bool read_only = 27;
  repeated NamedAny vendor_extension = 31;
}
message SchemaItem { oneof oneof { Schema schema = 1; } }
message TypeItem { repeated string value = 1; }
`;

const root = protobuf.parse(PROTO, { keepCase: true }).root;
export const OpenApiV2Document = root.lookupType("openapi.v2.Document");

type Msg = Record<string, unknown>;

const asObject = (v: unknown): JsonObject => (v && typeof v === "object" ? (v as JsonObject) : {});

/** YAML text of a vendor extension value, as gnostic stores it (`merge\n`, `- group: apps\n  kind: …`). */
const yamlOf = (value: unknown): string => stringify(value);

function vendorExtensions(o: JsonObject): Msg[] {
  return Object.keys(o)
    .filter((k) => k.startsWith("x-"))
    .map((name) => ({ name, value: { yaml: yamlOf(o[name]) } }));
}

function schemaMessage(s: JsonObject): Msg {
  const m: Msg = {};
  if (typeof s.$ref === "string") m._ref = s.$ref;
  if (typeof s.format === "string") m.format = s.format;
  if (typeof s.title === "string") m.title = s.title;
  if (typeof s.description === "string") m.description = s.description;
  if (s.default !== undefined) m.default = { yaml: yamlOf(s.default) };
  if (Array.isArray(s.required)) m.required = s.required;
  if (Array.isArray(s.enum)) m.enum = s.enum.map((v) => ({ yaml: yamlOf(v) }));
  if (s.additionalProperties !== undefined) {
    m.additional_properties =
      typeof s.additionalProperties === "boolean"
        ? { boolean: s.additionalProperties }
        : { schema: schemaMessage(asObject(s.additionalProperties)) };
  }
  if (s.type !== undefined) m.type = { value: Array.isArray(s.type) ? s.type : [s.type] };
  if (s.items !== undefined) {
    m.items = { schema: (Array.isArray(s.items) ? s.items : [s.items]).map((i) => schemaMessage(asObject(i))) };
  }
  if (Array.isArray(s.allOf)) m.all_of = s.allOf.map((x) => schemaMessage(asObject(x)));
  if (s.properties !== undefined) {
    m.properties = {
      additional_properties: Object.entries(asObject(s.properties)).map(([name, v]) => ({
        name,
        value: schemaMessage(asObject(v)),
      })),
    };
  }
  if (s.uniqueItems === true) m.unique_items = true;
  if (s.readOnly === true) m.read_only = true;
  const ext = vendorExtensions(s);
  if (ext.length) m.vendor_extension = ext;
  return m;
}

function parameterMessage(p: JsonObject): Msg {
  if (typeof p.$ref === "string") return { json_reference: { _ref: p.$ref } };
  if (p.in === "body") {
    return {
      parameter: {
        body_parameter: {
          description: p.description,
          name: p.name,
          in: p.in,
          required: p.required === true,
          schema: schemaMessage(asObject(p.schema)),
          vendor_extension: vendorExtensions(p),
        },
      },
    };
  }
  const sub: Msg = {
    required: p.required === true,
    in: p.in,
    description: p.description,
    name: p.name,
    type: p.type,
    unique_items: p.uniqueItems === true,
    vendor_extension: vendorExtensions(p),
  };
  if (typeof p.format === "string") sub.format = p.format;
  const which = { query: "query", path: "path", header: "header", formData: "form_data" }[String(p.in)] ?? "query";
  return { parameter: { non_body_parameter: { [`${which}_parameter_sub_schema`]: sub } } };
}

function operationMessage(o: JsonObject): Msg {
  const responses = Object.entries(asObject(o.responses)).map(([code, r]) => {
    const resp = asObject(r);
    return {
      name: code,
      value: {
        response: {
          description: resp.description ?? "",
          ...(resp.schema ? { schema: { schema: schemaMessage(asObject(resp.schema)) } } : {}),
          vendor_extension: vendorExtensions(resp),
        },
      },
    };
  });
  return {
    tags: o.tags ?? [],
    ...(typeof o.summary === "string" ? { summary: o.summary } : {}),
    description: o.description ?? "",
    operation_id: o.operationId ?? "",
    produces: o.produces ?? [],
    consumes: o.consumes ?? [],
    parameters: ((o.parameters as unknown[] | undefined) ?? []).map((p) => parameterMessage(asObject(p))),
    responses: { response_code: responses },
    schemes: o.schemes ?? [],
    deprecated: o.deprecated === true,
    vendor_extension: vendorExtensions(o),
  };
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"];

function pathItemMessage(item: JsonObject): Msg {
  const m: Msg = {};
  for (const method of METHODS) if (item[method]) m[method] = operationMessage(asObject(item[method]));
  if (Array.isArray(item.parameters)) m.parameters = item.parameters.map((p) => parameterMessage(asObject(p)));
  m.vendor_extension = vendorExtensions(item);
  return m;
}

/** Encodes a Swagger 2.0 document (as built by buildOpenApiV2) into gnostic's `openapi.v2.Document`. */
export function encodeOpenApiV2Protobuf(doc: object): Buffer {
  const d = doc as JsonObject;
  const info = asObject(d.info);
  const message: Msg = {
    swagger: d.swagger ?? "2.0",
    info: { title: info.title ?? "", version: info.version ?? "", vendor_extension: vendorExtensions(info) },
    schemes: d.schemes ?? [],
    consumes: d.consumes ?? [],
    produces: d.produces ?? [],
    paths: {
      path: Object.entries(asObject(d.paths)).map(([name, item]) => ({ name, value: pathItemMessage(asObject(item)) })),
      vendor_extension: vendorExtensions(asObject(d.paths)),
    },
    definitions: {
      additional_properties: Object.entries(asObject(d.definitions)).map(([name, s]) => ({
        name,
        value: schemaMessage(asObject(s)),
      })),
    },
    vendor_extension: vendorExtensions(d),
  };
  const err = OpenApiV2Document.verify(message);
  if (err) throw new Error(`openapi v2 protobuf: ${err}`);
  return Buffer.from(OpenApiV2Document.encode(OpenApiV2Document.fromObject(message)).finish());
}

/** Decodes the protobuf back to a plain object with proto field names (for tests and debugging). */
export function decodeOpenApiV2Protobuf(bytes: Uint8Array): Record<string, any> {
  return OpenApiV2Document.toObject(OpenApiV2Document.decode(bytes), { defaults: false, arrays: true });
}

let served: { bytes: Buffer; etag: string } | undefined;

/** The served v2 document's protobuf encoding, built once per process; its ETag follows the JSON one. */
export function servedOpenApiV2Protobuf(): { bytes: Buffer; etag: string } {
  if (!served) {
    const v2 = servedOpenApiV2();
    served = { bytes: encodeOpenApiV2Protobuf(v2.doc), etag: v2.etag };
  }
  return served;
}
