// An independent MCAP reader and writer for Sluice's Java tests (sluice-record, McapOracle.java): the npm packages
// @mcap/core (Foxglove's MCAP library), @mcap/support (its zstd/lz4/bz2 decompressors), @foxglove/rosmsg (the
// .msg parser) and @foxglove/rosmsg2-serialization (ROS 2 CDR). Versions are pinned in package.json and
// package-lock.json.
//
//   node mcap-oracle.mjs check FILE          reads FILE twice (indexed, then streamed, every CRC checked: chunks by
//                                            @mcap/core, the data section and the summary here) and prints one JSON
//                                            object: header, schemas, channels, statistics, counts of every record
//                                            type, and every message with its decoded CDR
//   node mcap-oracle.mjs write FILE zstd|none writes a ros2-profile file with @mcap/core's writer and prints the
//                                            messages it wrote (decoded form) as JSON
//
// Exit code 0 with the JSON on stdout; 1 with the error on stderr.
import { open, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { crc32 } from "@foxglove/crc";
import { McapIndexedReader, McapStreamReader, McapWriter } from "@mcap/core";
import { loadDecompressHandlers } from "@mcap/support";
import { parse } from "@foxglove/rosmsg";
import { MessageReader, MessageWriter } from "@foxglove/rosmsg2-serialization";
import zstd from "@foxglove/wasm-zstd";

// JSON of decoded CDR values: BigInt as a decimal string, typed arrays as {length, sum} (sum of their values,
// as a decimal string) so that large frames stay small, nested messages and arrays as they are.
function plain(value) {
  if (typeof value === "bigint") return value.toString();
  if (ArrayBuffer.isView(value)) {
    let sum = 0n;
    for (const v of value) sum += BigInt(v);
    return { length: value.length, sum: sum.toString() };
  }
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), plain(v)]));
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function readersBySchema(schemas) {
  const readers = new Map();
  for (const [id, schema] of schemas) {
    if (schema.encoding !== "ros2msg") continue;
    readers.set(id, new MessageReader(parse(decoder.decode(schema.data), { ros2: true })));
  }
  return readers;
}

async function check(path) {
  const bytes = new Uint8Array(readFileSync(path));
  const handle = await open(path, "r");
  const readable = {
    size: async () => BigInt(bytes.length),
    read: async (offset, length) => bytes.subarray(Number(offset), Number(offset + length)),
  };
  const decompressHandlers = await loadDecompressHandlers();
  const indexed = await McapIndexedReader.Initialize({ readable, decompressHandlers });
  const readers = readersBySchema(indexed.schemasById);
  const messages = [];
  for await (const message of indexed.readMessages({ validateCrcs: true })) {
    const channel = indexed.channelsById.get(message.channelId);
    const reader = readers.get(channel.schemaId);
    messages.push({
      channel: message.channelId,
      topic: channel.topic,
      sequence: message.sequence,
      logTime: message.logTime.toString(),
      publishTime: message.publishTime.toString(),
      size: message.data.length,
      decoded: reader ? plain(reader.readMessage(message.data)) : null,
    });
  }
  await handle.close();

  // the whole file again, streamed, every record counted; CRCs of chunks checked by the stream reader
  const stream = new McapStreamReader({ decompressHandlers, validateCrcs: true, includeChunks: true });
  stream.append(bytes);
  const counts = {};
  let record;
  let streamedMessages = 0;
  while ((record = stream.nextRecord())) {
    counts[record.type] = (counts[record.type] ?? 0) + 1;
    if (record.type === "Message") streamedMessages++;
  }
  if (!stream.done()) throw new Error("the stream reader did not reach the end of the file");

  // the data section's CRC (Data End) and the summary's (Footer), which @mcap/core does not check
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const footerAt = bytes.length - 8 - 29;
  const summaryStart = Number(view.getBigUint64(footerAt + 9, true));
  const summaryCrc = view.getUint32(footerAt + 25, true);
  const dataEndAt = summaryStart === 0 ? footerAt - 13 : summaryStart - 13;
  if (bytes[dataEndAt] !== 0x0f) throw new Error(`no Data End record right before the summary (offset ${dataEndAt})`);
  const dataCrc = view.getUint32(dataEndAt + 9, true);
  const crcs = {
    dataSection: dataCrc === 0 ? "absent" : crc32(bytes.subarray(0, dataEndAt)) === dataCrc ? "ok" : "bad",
    summary: summaryCrc === 0 ? "absent" : crc32(bytes.subarray(summaryStart, footerAt + 25)) === summaryCrc ? "ok" : "bad",
  };

  const stats = indexed.statistics;
  return {
    header: indexed.header,
    schemas: [...indexed.schemasById.values()].map((s) => ({ id: s.id, name: s.name, encoding: s.encoding,
      data: decoder.decode(s.data) })),
    channels: [...indexed.channelsById.values()].map((c) => ({ id: c.id, schemaId: c.schemaId, topic: c.topic,
      messageEncoding: c.messageEncoding, metadata: Object.fromEntries(c.metadata) })),
    statistics: stats && plain({ messageCount: stats.messageCount, schemaCount: stats.schemaCount,
      channelCount: stats.channelCount, chunkCount: stats.chunkCount, messageStartTime: stats.messageStartTime,
      messageEndTime: stats.messageEndTime, channelMessageCounts: stats.channelMessageCounts }),
    chunkIndexes: indexed.chunkIndexes.length,
    summaryOffsets: indexed.summaryOffsetsByOpcode.size,
    counts,
    streamedMessages,
    crcs,
    messages,
  };
}

const STRING_SCHEMA = "string data\n";
const POINT_SCHEMA = "float64 x\nfloat64 y\nfloat64 z\n";

async function write(path, compression) {
  await zstd.isLoaded;
  const chunks = [];
  let position = 0n;
  const writable = {
    write: async (buffer) => { chunks.push(Buffer.from(buffer)); position += BigInt(buffer.length); },
    position: () => position,
  };
  const writer = new McapWriter({
    writable,
    chunkSize: 256,
    compressChunk: compression === "zstd"
      ? (data) => ({ compression: "zstd", compressedData: zstd.compress(data) })
      : undefined,
  });
  await writer.start({ profile: "ros2", library: "@mcap/core oracle" });
  const stringSchema = await writer.registerSchema({ name: "std_msgs/msg/String", encoding: "ros2msg",
    data: new TextEncoder().encode(STRING_SCHEMA) });
  const pointSchema = await writer.registerSchema({ name: "geometry_msgs/msg/Point", encoding: "ros2msg",
    data: new TextEncoder().encode(POINT_SCHEMA) });
  const chatter = await writer.registerChannel({ topic: "/chatter", schemaId: stringSchema, messageEncoding: "cdr",
    metadata: new Map([["offered_qos_profiles", ""]]) });
  const point = await writer.registerChannel({ topic: "/point", schemaId: pointSchema, messageEncoding: "cdr",
    metadata: new Map() });
  const stringWriter = new MessageWriter(parse(STRING_SCHEMA, { ros2: true }));
  const pointWriter = new MessageWriter(parse(POINT_SCHEMA, { ros2: true }));
  const written = [];
  for (let i = 0; i < 40; i++) {
    const time = 1_700_000_000_000_000_000n + BigInt(i) * 10_000_000n;
    const isString = i % 3 !== 2;
    // ASCII only: MessageWriter 3.1.0 writes a string's length in UTF-16 units, not UTF-8 bytes, so it cuts
    // non-ASCII text short (Sluice's own files are read with non-ASCII text, through MessageReader)
    const value = isString ? { data: `hello ${i}` } : { x: i, y: -i / 4, z: 0.5 };
    const data = (isString ? stringWriter : pointWriter).writeMessage(value);
    await writer.addMessage({ channelId: isString ? chatter : point, sequence: i, logTime: time,
      publishTime: time - 1000n, data });
    written.push({ topic: isString ? "/chatter" : "/point", sequence: i, logTime: time.toString(),
      publishTime: (time - 1000n).toString(), size: data.length, decoded: value });
  }
  await writer.end();
  await writeFile(path, Buffer.concat(chunks));
  return { messages: written };
}

try {
  const [command, path, option] = process.argv.slice(2);
  let result;
  if (command === "check") result = await check(path);
  else if (command === "write") result = await write(path, option ?? "none");
  else throw new Error(`usage: mcap-oracle.mjs check FILE | write FILE zstd|none (got ${command})`);
  process.stdout.write(JSON.stringify(result) + "\n");
} catch (error) {
  process.stderr.write(String(error?.stack ?? error) + "\n");
  process.exit(1);
}
