// cdr-oracle.mjs: an independent ROS 2 CDR implementation for Sluice's Java tests (see
// src/test/java/io/sluice/msg/interop/CdrOracle.java). It wraps @foxglove/rosmsg (the .msg parser) and
// @foxglove/rosmsg2-serialization (MessageReader / MessageWriter, on top of @foxglove/cdr), versions pinned in
// package.json / package-lock.json.
//
// Protocol: newline-delimited JSON on stdin/stdout, one response line per request line, in order. The process
// stays up until stdin closes and never exits on a bad request.
//   {"op":"parse","schema":S}             -> {"ok":true,"types":[name|null, ...],"definitions":[...]}
//   {"op":"encode","schema":S,"value":V}  -> {"ok":true,"bytes":"<base64, incl. the 4-byte encapsulation header>"}
//   {"op":"decode","schema":S,"bytes":B}  -> {"ok":true,"value":V}
//   any failure                           -> {"ok":false,"error":"message"}
// S is ROS 2 schema text in the MCAP "ros2msg" format (root .msg text, then per dependency a line of 80 '=', a
// line "MSG: pkg/Name" and its .msg text), parsed with parse(S, {ros2: true}). "types" lists the names of the
// parsed definitions in order; the root definition has no name in ros2msg text, so it is reported as null.
// "definitions" is the parser's output as is (BigInt as decimal strings, typed arrays as arrays).
// Output lines are pure ASCII (every non-ASCII character is escaped as \uXXXX).
//
// Value convention V (both directions):
//   message                     -> JSON object, keys = field names in declaration order (constants left out).
//                                  On encode every field must be present and no other key is allowed.
//   bool                        -> true / false
//   int8..uint32, byte, char    -> JSON number (byte and char are parsed as uint8 by @foxglove/rosmsg with ros2)
//   int64, uint64               -> decimal string ("-9223372036854775808"); encode also takes a safe-integer number
//   float32, float64            -> JSON number, always printed with a '.' or an exponent ("1.0", "-0.0", "1e+21");
//                                  NaN / Infinity / -Infinity as the strings "NaN", "Infinity", "-Infinity".
//                                  Numbers are printed in the shortest form that reads back to the same float64,
//                                  which for a float32 value (held exactly as a float64) also reads back exactly
//                                  with Java's Float.parseFloat.
//   string                      -> JSON string (must be well-formed UTF-16 on encode: no lone surrogates)
//   T[], T[N], T[<=N]           -> JSON array (lengths and bounds are checked in both directions)
//   builtin_interfaces/Time and Duration -> {"sec": int32, "nanosec": uint32}
//   On encode, integer fields also take decimal strings; integers are range-checked for their type.
//
// What the library wants / gives, found by experiment and by reading its code (versions as pinned):
//   * Time / Duration: with {ros2: true} the parser rewrites fields of type builtin_interfaces/Time and
//     builtin_interfaces/Duration to the primitive types "time" / "duration" (the MSG: sections for them are
//     still parsed, but unused). The writer wants an object {sec, nanosec} (it also takes {sec, nsec}) and writes
//     int32 sec + uint32 nanosec, 4-byte aligned; a missing object is written as 0/0. The reader returns
//     {sec, nanosec} (timeType "sec,nanosec", its default). Arrays of them are plain Arrays of such objects.
//   * Typed arrays: for int8..float64 arrays the writer takes the matching TypedArray (Int8Array, Uint8Array,
//     Int16Array, ..., Float32Array, Float64Array, BigInt64Array, BigUint64Array) or a plain Array, which it
//     converts with new XxxArray(array): out-of-range numbers wrap silently and NaN becomes 0. For int64[] /
//     uint64[] a plain Array must hold BigInts (numbers throw a TypeError). bool[] must be a plain Array of
//     booleans (anything else is replaced by the default, while the sequence length written is the given one);
//     string[] and time[] must be plain Arrays. The reader returns TypedArrays for int8..float64 arrays
//     (BigInt64Array / BigUint64Array for 64-bit integers) and plain Arrays for bool[], string[], time[] and
//     message arrays.
//   * int64 / uint64: the writer takes a BigInt or an integral number (BigInt(number)); values wrap modulo 2^64
//     silently (DataView.setBigInt64). The reader returns BigInts.
//   * A missing field or a value of the wrong JS type is silently written as the field's default (0, "", false,
//     0n): therefore this oracle validates and converts every value strictly against the definitions before
//     handing it to the writer, and checks string / sequence bounds, which the library does not enforce.
//   * Bug worked around: CdrWriter.string() in @foxglove/cdr 3.5.0 uses the UTF-16 length (value.length) for the
//     length prefix and the byte count, so non-ASCII strings are written with a wrong length and truncated
//     UTF-8 ("é😀" gives 04 00 00 00 c3 a9 00 00). Fixed upstream in foxglove/cdr#35 but not released as of
//     3.5.0. This file replaces CdrWriter.prototype.string with a UTF-8 correct version (length prefix = UTF-8
//     byte count + 1, bytes, NUL), the same layout as the original for ASCII strings.
//   * The writer emits no trailing padding: std_msgs/String "hi" is 00 01 00 00 | 03 00 00 00 | 68 69 00
//     (11 bytes), and the encapsulation options bytes are 00 00. Alignment is relative to the byte after the
//     4-byte encapsulation header, with 8-byte alignment for 64-bit types (plain CDR, kind CDR_LE = 0x0001).
//   * Decode accepts only the plain CDR encapsulations ROS 2 uses: 00 00 (CDR_BE) and 00 01 (CDR_LE). Reads past
//     the end throw (RangeError), so truncated data gives an error, never a hang.
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { parse } from "@foxglove/rosmsg";
import { MessageReader, MessageWriter } from "@foxglove/rosmsg2-serialization";

// The CdrWriter class that MessageWriter itself uses (resolved from its package, so it is the same instance).
const requireFromSerialization = createRequire(
  createRequire(import.meta.url).resolve("@foxglove/rosmsg2-serialization"),
);
const { CdrWriter } = requireFromSerialization("@foxglove/cdr");

const utf8 = new TextEncoder();
CdrWriter.prototype.string = function string(value, writeLength = true) {
  const bytes = utf8.encode(value);
  if (writeLength) {
    this.uint32(bytes.length + 1); // one more for the NUL terminator
  }
  this.resizeIfNeeded(bytes.length + 1);
  this.array.set(bytes, this.offset);
  this.array[this.offset + bytes.length] = 0;
  this.offset += bytes.length + 1;
  return this;
};

const INT_RANGES = new Map([
  ["int8", [-(2n ** 7n), 2n ** 7n - 1n]],
  ["uint8", [0n, 2n ** 8n - 1n]],
  ["int16", [-(2n ** 15n), 2n ** 15n - 1n]],
  ["uint16", [0n, 2n ** 16n - 1n]],
  ["int32", [-(2n ** 31n), 2n ** 31n - 1n]],
  ["uint32", [0n, 2n ** 32n - 1n]],
  ["int64", [-(2n ** 63n), 2n ** 63n - 1n]],
  ["uint64", [0n, 2n ** 64n - 1n]],
]);
const TYPED_ARRAYS = new Map([
  ["int8", Int8Array],
  ["uint8", Uint8Array],
  ["int16", Int16Array],
  ["uint16", Uint16Array],
  ["int32", Int32Array],
  ["uint32", Uint32Array],
  ["int64", BigInt64Array],
  ["uint64", BigUint64Array],
  ["float32", Float32Array],
  ["float64", Float64Array],
]);
const SPECIAL_FLOATS = new Map([
  ["NaN", NaN],
  ["Infinity", Infinity],
  ["-Infinity", -Infinity],
]);

// ---------------------------------------------------------------------------------------------- schema cache

const MAX_CACHED_SCHEMAS = 1000;
const cache = new Map(); // schema text -> {definitions, byName, root, reader, writer}

function compile(schema) {
  if (typeof schema !== "string") {
    throw new Error("schema must be a string");
  }
  let entry = cache.get(schema);
  if (entry === undefined) {
    const definitions = parse(schema, { ros2: true });
    const root = definitions.find((def) => !isConstantModule(def));
    if (root === undefined) {
      throw new Error("schema has no message definition");
    }
    const byName = new Map(definitions.map((def) => [def.name ?? "", def]));
    // Fail early (at parse time) on unknown nested types rather than on the first encode / decode.
    for (const def of definitions) {
      for (const field of def.definitions) {
        if (field.isConstant !== true && field.isComplex === true && !byName.has(field.type)) {
          throw new Error(`Unrecognized complex type ${field.type}`);
        }
      }
    }
    entry = {
      definitions,
      byName,
      root,
      reader: new MessageReader(definitions),
      writer: new MessageWriter(definitions),
    };
    if (cache.size >= MAX_CACHED_SCHEMAS) {
      cache.clear();
    }
    cache.set(schema, entry);
  }
  return entry;
}

function isConstantModule(def) {
  return def.definitions.length > 0 && def.definitions.every((field) => field.isConstant === true);
}

function dataFields(def) {
  return def.definitions.filter((field) => field.isConstant !== true);
}

// ------------------------------------------------------------------------ JSON value -> what the writer wants

function toWriterMessage(entry, def, value, path) {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${at(path)}expected an object for ${def.name ?? "the root message"}, got ${describe(value)}`);
  }
  const fields = dataFields(def);
  const known = new Set(fields.map((field) => field.name));
  for (const key of Object.keys(value)) {
    if (!known.has(key)) {
      throw new Error(`${at(path)}unknown field "${key}" for ${def.name ?? "the root message"}`);
    }
  }
  const out = {};
  for (const field of fields) {
    const fieldPath = path === "" ? field.name : `${path}.${field.name}`;
    if (!Object.prototype.hasOwnProperty.call(value, field.name)) {
      throw new Error(`${fieldPath}: missing field`);
    }
    out[field.name] = toWriterField(entry, field, value[field.name], fieldPath);
  }
  return out;
}

function toWriterField(entry, field, value, path) {
  if (field.isArray !== true) {
    return toWriterElement(entry, field, value, path);
  }
  if (!Array.isArray(value)) {
    throw new Error(`${path}: expected an array, got ${describe(value)}`);
  }
  checkArrayLength(field, value.length, path);
  const elements = value.map((element, i) => toWriterElement(entry, field, element, `${path}[${i}]`));
  const TypedArray = TYPED_ARRAYS.get(field.type);
  return TypedArray !== undefined && field.isComplex !== true ? TypedArray.from(elements) : elements;
}

function toWriterElement(entry, field, value, path) {
  if (field.isComplex === true) {
    return toWriterMessage(entry, entry.byName.get(field.type), value, path);
  }
  const type = field.type;
  const range = INT_RANGES.get(type);
  if (range !== undefined) {
    const big = toBigInt(value, path);
    if (big < range[0] || big > range[1]) {
      throw new Error(`${path}: ${big} is out of range for ${type}`);
    }
    return type === "int64" || type === "uint64" ? big : Number(big);
  }
  switch (type) {
    case "bool":
      if (typeof value !== "boolean") {
        throw new Error(`${path}: expected true or false, got ${describe(value)}`);
      }
      return value;
    case "float32":
    case "float64": {
      const number = toFloat(value, path);
      if (type === "float32" && Number.isFinite(number) && !Number.isFinite(Math.fround(number))) {
        throw new Error(`${path}: ${number} is out of range for float32`);
      }
      return number;
    }
    case "string": {
      if (typeof value !== "string") {
        throw new Error(`${path}: expected a string, got ${describe(value)}`);
      }
      if (!isWellFormed(value)) {
        throw new Error(`${path}: string contains a lone surrogate (not valid Unicode)`);
      }
      if (field.upperBound !== undefined && utf8.encode(value).length > field.upperBound) {
        throw new Error(`${path}: string of ${utf8.encode(value).length} bytes exceeds bound ${field.upperBound}`);
      }
      return value;
    }
    case "time":
    case "duration": {
      if (value === null || typeof value !== "object" || Array.isArray(value)) {
        throw new Error(`${path}: expected {"sec":..,"nanosec":..}, got ${describe(value)}`);
      }
      for (const key of Object.keys(value)) {
        if (key !== "sec" && key !== "nanosec") {
          throw new Error(`${path}: unknown field "${key}" for ${type} (expected sec, nanosec)`);
        }
      }
      const sec = toWriterElement(entry, { type: "int32" }, value.sec, `${path}.sec`);
      const nanosec = toWriterElement(entry, { type: "uint32" }, value.nanosec, `${path}.nanosec`);
      return { sec, nanosec };
    }
    default:
      throw new Error(`${path}: unsupported type ${type}`);
  }
}

function toBigInt(value, path) {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new Error(`${path}: expected an integer (a safe-integer number or a decimal string), got ${value}`);
    }
    return BigInt(value);
  }
  if (typeof value === "string" && /^-?[0-9]+$/.test(value)) {
    return BigInt(value);
  }
  throw new Error(`${path}: expected an integer (a number or a decimal string), got ${describe(value)}`);
}

function toFloat(value, path) {
  if (typeof value === "number") {
    return value;
  }
  if (typeof value === "string" && SPECIAL_FLOATS.has(value)) {
    return SPECIAL_FLOATS.get(value);
  }
  throw new Error(`${path}: expected a number or "NaN", "Infinity", "-Infinity", got ${describe(value)}`);
}

function checkArrayLength(field, length, path) {
  if (field.arrayLength !== undefined && length !== field.arrayLength) {
    throw new Error(`${path}: expected exactly ${field.arrayLength} elements, got ${length}`);
  }
  if (field.arrayUpperBound !== undefined && length > field.arrayUpperBound) {
    throw new Error(`${path}: ${length} elements exceed bound ${field.arrayUpperBound}`);
  }
}

function isWellFormed(string) {
  return typeof string.isWellFormed === "function" ? string.isWellFormed() : !/\p{Cs}/u.test(string);
}

function at(path) {
  return path === "" ? "" : `${path}: `;
}

function describe(value) {
  if (value === undefined) {
    return "nothing";
  }
  if (value === null) {
    return "null";
  }
  if (Array.isArray(value)) {
    return "an array";
  }
  if (typeof value === "object") {
    return "an object";
  }
  return `${typeof value} ${JSON.stringify(value)}`;
}

// ------------------------------------------------------------------------ decoded value -> JSON text (ASCII)

function messageToJson(entry, def, value, path) {
  const parts = [];
  for (const field of dataFields(def)) {
    const fieldPath = path === "" ? field.name : `${path}.${field.name}`;
    parts.push(`${stringToJson(field.name)}:${fieldToJson(entry, field, value[field.name], fieldPath)}`);
  }
  return `{${parts.join(",")}}`;
}

function fieldToJson(entry, field, value, path) {
  if (field.isArray !== true) {
    return elementToJson(entry, field, value, path);
  }
  checkArrayLength(field, value.length, path);
  const parts = [];
  let i = 0;
  for (const element of value) {
    parts.push(elementToJson(entry, field, element, `${path}[${i++}]`));
  }
  return `[${parts.join(",")}]`;
}

function elementToJson(entry, field, value, path) {
  if (field.isComplex === true) {
    return messageToJson(entry, entry.byName.get(field.type), value, path);
  }
  switch (field.type) {
    case "bool":
      return value ? "true" : "false";
    case "int8":
    case "uint8":
    case "int16":
    case "uint16":
    case "int32":
    case "uint32":
      return String(value);
    case "int64":
    case "uint64":
      return `"${BigInt(value).toString()}"`;
    case "float32":
    case "float64":
      return floatToJson(value);
    case "string":
      if (field.upperBound !== undefined && utf8.encode(value).length > field.upperBound) {
        throw new Error(`${path}: string of ${utf8.encode(value).length} bytes exceeds bound ${field.upperBound}`);
      }
      return stringToJson(value);
    case "time":
    case "duration":
      return `{"sec":${value.sec},"nanosec":${value.nanosec}}`;
    default:
      throw new Error(`${path}: unsupported type ${field.type}`);
  }
}

function floatToJson(value) {
  if (Number.isNaN(value)) {
    return '"NaN"';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? '"Infinity"' : '"-Infinity"';
  }
  if (Object.is(value, -0)) {
    return "-0.0";
  }
  const text = String(value); // shortest round-trip form, e.g. "0.10000000149011612", "1e+21", "5e-324"
  return /[.e]/.test(text) ? text : `${text}.0`;
}

function stringToJson(value) {
  return asciiOnly(JSON.stringify(value));
}

function asciiOnly(jsonText) {
  // Outside strings JSON text is ASCII, so this only touches string contents; code units, not code points, so a
  // surrogate pair becomes two escapes.
  return jsonText.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function plainJson(value) {
  return asciiOnly(
    JSON.stringify(value, (_key, v) => {
      if (typeof v === "bigint") {
        return v.toString();
      }
      if (ArrayBuffer.isView(v)) {
        return Array.from(v, (x) => (typeof x === "bigint" ? x.toString() : x));
      }
      if (typeof v === "number" && !Number.isFinite(v)) {
        return String(v);
      }
      return v;
    }),
  );
}

// ------------------------------------------------------------------------------------------------ operations

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function handle(request) {
  if (request === null || typeof request !== "object" || Array.isArray(request)) {
    throw new Error("request must be a JSON object");
  }
  switch (request.op) {
    case "parse": {
      const entry = compile(request.schema);
      const types = plainJson(entry.definitions.map((def) => def.name ?? null));
      return `{"ok":true,"types":${types},"definitions":${plainJson(entry.definitions)}}`;
    }
    case "encode": {
      const entry = compile(request.schema);
      if (!Object.prototype.hasOwnProperty.call(request, "value")) {
        throw new Error("encode needs a value");
      }
      const message = toWriterMessage(entry, entry.root, request.value, "");
      const bytes = entry.writer.writeMessage(message);
      const base64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
      return `{"ok":true,"bytes":"${base64}"}`;
    }
    case "decode": {
      const entry = compile(request.schema);
      if (typeof request.bytes !== "string" || !BASE64.test(request.bytes)) {
        throw new Error("bytes must be a base64 string");
      }
      const bytes = new Uint8Array(Buffer.from(request.bytes, "base64"));
      if (bytes.length < 4) {
        throw new Error(`Invalid CDR data size ${bytes.length}, must contain at least a 4-byte header`);
      }
      if (bytes[0] !== 0 || (bytes[1] !== 0 && bytes[1] !== 1)) {
        throw new Error(
          `unsupported encapsulation ${hex(bytes[0])} ${hex(bytes[1])}: ROS 2 uses 00 01 (CDR_LE) or 00 00 (CDR_BE)`,
        );
      }
      const value = entry.reader.readMessage(bytes);
      return `{"ok":true,"value":${messageToJson(entry, entry.root, value, "")}}`;
    }
    default:
      throw new Error(`unknown op ${JSON.stringify(request.op)} (expected parse, encode or decode)`);
  }
}

function hex(byte) {
  return byte.toString(16).padStart(2, "0");
}

function errorLine(error) {
  const message = error instanceof Error ? `${error.message}` : String(error);
  return `{"ok":false,"error":${stringToJson(message === "" ? String(error) : message)}}`;
}

function respond(line) {
  let response;
  try {
    response = handle(JSON.parse(line));
  } catch (error) {
    response = errorLine(error);
  }
  process.stdout.write(`${response}\n`);
}

process.on("uncaughtException", (error) => {
  process.stderr.write(`cdr-oracle: uncaught ${error?.stack ?? error}\n`);
});
process.stdout.on("error", () => process.exit(0)); // the Java side went away

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
lines.on("line", respond); // every line gets exactly one response line, even a blank or malformed one
lines.on("close", () => process.exit(0));
