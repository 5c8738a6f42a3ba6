package io.sluice.msg.interop;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.sluice.testing.NodePackage;

/**
 * An independent ROS 2 CDR implementation to compare Sluice's bytes with: the npm packages
 * {@code @foxglove/rosmsg} (the {@code .msg} parser) and {@code @foxglove/rosmsg2-serialization} (MessageReader /
 * MessageWriter), run in a {@code node} process ({@code src/test/node/cdr-oracle.mjs}, versions pinned in
 * {@code package.json} and {@code package-lock.json} next to it; the protocol and what the library wants are
 * described at the top of that file).
 *
 * {@snippet :
 * try (CdrOracle oracle = CdrOracle.start()) {
 *     byte[] cdr = oracle.encode("string data", Map.of("data", "hi"));   // 00 01 00 00 03 00 00 00 68 69 00
 *     Object value = oracle.decode("string data", cdr);                 // {data=hi}
 * }
 * }
 *
 * <p>Schemas are ROS 2 schema text in the MCAP {@code ros2msg} format: the root type's {@code .msg} text, then for
 * each dependency a line of 80 {@code =}, a line {@code MSG: pkg/Name} and that type's {@code .msg} text.
 *
 * <p>Values, both ways:
 * <ul>
 * <li>message: {@code Map<String, Object>}; {@link #decode} returns {@link LinkedHashMap}s in declaration order
 *     (constants left out). {@link #encode} wants every field, and no other key.</li>
 * <li>{@code bool}: {@link Boolean}.</li>
 * <li>{@code int8} .. {@code uint32}, {@code byte}, {@code char}, {@code int64}: {@link Long} from
 *     {@link #decode}; {@code uint64}: {@link Long} up to {@link Long#MAX_VALUE}, {@link BigInteger} above.
 *     {@link #encode} takes any {@link Byte}, {@link Short}, {@link Integer}, {@link Long} or {@link BigInteger}
 *     (range-checked against the field type by the oracle) and also decimal strings.</li>
 * <li>{@code float32}, {@code float64}: {@link Double} (NaN, infinities and -0.0 kept; a {@code float32} comes
 *     back as the exact double of the float). {@link #encode} also takes {@link Float} (widened exactly).</li>
 * <li>{@code string}: {@link String} (full Unicode; lone surrogates are refused on encode).</li>
 * <li>arrays and sequences ({@code T[]}, {@code T[N]}, {@code T[<=N]}): {@code List<Object>}; bounds and fixed
 *     lengths are checked both ways. {@link #encode} also takes Java arrays; a {@code byte[]} is taken as
 *     unsigned values 0..255 (for {@code uint8[]}).</li>
 * <li>{@code builtin_interfaces/Time} and {@code Duration}: plain messages {@code {sec: Long, nanosec: Long}}.</li>
 * </ul>
 * On the wire (see {@link Json}) int64/uint64 travel as decimal strings and NaN/Infinity as strings; the conversion
 * to the Java types above is guided by the schema's definitions, which this class fetches with {@code parse} once
 * per schema.
 *
 * <p>{@link #start()} prepares the node sources in {@code target/cdr-oracle/} ({@link NodePackage}: skipped without
 * node, failed with {@code CI=true}) and starts {@code node cdr-oracle.mjs}. Every call times out after
 * {@link #CALL_TIMEOUT}; a timed-out or
 * crashed oracle is killed and fails the test with node's stderr. Calls are serialized (one request at a time).
 */
public final class CdrOracle implements AutoCloseable {
    /** How long one call may take before the oracle is considered hung, killed, and the test failed. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Path WORK_DIR = Path.of("target", "cdr-oracle");
    private static final List<String> COPIED = List.of("package.json", "package-lock.json", "cdr-oracle.mjs");
    private static final String SCRIPT = "cdr-oracle.mjs";
    private static final int STDERR_KEPT = 16 * 1024;

    private final Process process;
    private final BufferedWriter stdin;
    private final BufferedReader stdout;
    private final StringBuilder stderr = new StringBuilder();
    private final ExecutorService io;
    private final Duration callTimeout;
    private final Map<String, Schema> schemas = new HashMap<>();
    private String dead; // why the oracle can no longer be used, or null

    /** Thrown when the oracle answers {@code ok:false}; the message is the oracle's (e.g. the parser's) message. */
    public static final class OracleException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OracleException(String message) {
            super(message);
        }
    }

    private CdrOracle(Process process, Duration callTimeout) {
        this.process = process;
        this.callTimeout = callTimeout;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.io = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "cdr-oracle-io-" + process.pid());
            thread.setDaemon(true);
            return thread;
        });
        Thread drain = new Thread(() -> drainStderr(process.getErrorStream()), "cdr-oracle-stderr-" + process.pid());
        drain.setDaemon(true);
        drain.start();
    }

    /**
     * One oracle shared by the tests of a class: started by the first test that asks (from a {@code @BeforeEach},
     * so that a missing node shows up as skipped tests with the reason, not as a class that ran no tests), and its
     * start failure, a skip or an error, repeated to every later test.
     */
    static final class Shared {
        private CdrOracle oracle;
        private Throwable failure;

        synchronized CdrOracle get() {
            if (oracle == null && failure == null) {
                try {
                    oracle = start();
                } catch (RuntimeException | Error e) {
                    failure = e;
                }
            }
            switch (failure) {
                case null -> {
                    return oracle;
                }
                case RuntimeException e -> throw e;
                case Error e -> throw e;
                default -> throw new AssertionError(failure);
            }
        }

        synchronized void close() {
            if (oracle != null) {
                oracle.close();
                oracle = null;
            }
            failure = null;
        }
    }

    /** Installs (if needed) and starts the oracle; see the class comment. */
    public static CdrOracle start() {
        return start(CALL_TIMEOUT);
    }

    static CdrOracle start(Duration callTimeout) {
        NodePackage prepared = NodePackage.prepare("the CDR oracle", "sluice-core", WORK_DIR, COPIED);
        Path node = prepared.node();
        Path work = prepared.work();
        ProcessBuilder builder = new ProcessBuilder(node.toString(), SCRIPT).directory(work.toFile());
        try {
            return new CdrOracle(builder.start(), callTimeout);
        } catch (IOException e) {
            throw new UncheckedIOException("starting " + node + " " + SCRIPT + " in " + work, e);
        }
    }

    /**
     * Parses {@code schema} and returns the names of its definitions in order, as {@code @foxglove/rosmsg} reports
     * them: the root type has no name in {@code ros2msg} text, so the first entry is {@code null}; dependencies
     * are named as in their {@code MSG:} lines.
     *
     * @throws OracleException with the parser's message when the schema does not parse
     */
    public List<String> parse(String schema) {
        return schema(schema).types;
    }

    /**
     * Parses {@code schema} and returns its definitions as {@code @foxglove/rosmsg} understood them: for each
     * definition name (the root as {@code ""}) its data fields in order, constants left out.
     *
     * @throws OracleException with the parser's message when the schema does not parse
     */
    public Map<String, List<Field>> definitions(String schema) {
        return schema(schema).byName;
    }

    /**
     * Parses {@code schema} and returns the constants of its definitions as {@code @foxglove/rosmsg} understood
     * them: for each definition name (the root as {@code ""}) its constants in order.
     *
     * @throws OracleException with the parser's message when the schema does not parse
     */
    public Map<String, List<Constant>> constants(String schema) {
        return schema(schema).constants;
    }

    /** Encodes {@code value} (a {@code Map}, see the class comment) as a full CDR message, header included. */
    public byte[] encode(String schema, Object value) {
        Map<String, Object> response = call(request("encode", schema, "value", value));
        if (!(response.get("bytes") instanceof String base64)) {
            throw protocolError("encode answered without bytes: " + response);
        }
        return Base64.getDecoder().decode(base64);
    }

    /** Decodes a full CDR message (header included) into a {@code Map}, see the class comment. */
    public Object decode(String schema, byte[] bytes) {
        Schema parsed = schema(schema);
        Map<String, Object> response = call(request("decode", schema, "bytes",
            Base64.getEncoder().encodeToString(bytes)));
        if (!response.containsKey("value")) {
            throw protocolError("decode answered without a value: " + response);
        }
        return parsed.message(parsed.root, response.get("value"), "");
    }

    /** Stops the node process. */
    @Override
    public void close() {
        synchronized (this) {
            if (dead == null) {
                dead = "closed";
            }
        }
        try {
            stdin.close(); // node exits when stdin closes
        } catch (IOException ignored) {
            // already gone
        }
        try {
            if (!process.waitFor(1, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(1, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            io.shutdownNow();
        }
    }

    /** The node process id (for tests of the timeout handling). */
    long pid() {
        return process.pid();
    }

    // ------------------------------------------------------------------------------------------------ protocol

    private Schema schema(String schema) {
        Objects.requireNonNull(schema, "schema");
        synchronized (this) {
            Schema cached = schemas.get(schema);
            if (cached != null) {
                return cached;
            }
        }
        Map<String, Object> response = call(request("parse", schema, null, null));
        Schema parsed = Schema.of(response);
        synchronized (this) {
            schemas.put(schema, parsed);
        }
        return parsed;
    }

    /** The request line {@code {"op":op,"schema":schema[,key:value]}}. */
    private static String request(String op, String schema, String key, Object value) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("op", op);
        request.put("schema", schema);
        if (key != null) {
            request.put(key, value);
        }
        return Json.write(request);
    }

    private synchronized Map<String, Object> call(String request) {
        if (dead != null) {
            throw new IllegalStateException("the CDR oracle is not running: " + dead);
        }
        Future<String> exchange = io.submit(() -> {
            stdin.write(request);
            stdin.write('\n');
            stdin.flush();
            return stdout.readLine();
        });
        String line;
        try {
            line = exchange.get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw kill("no answer within " + callTimeout.toSeconds() + " s to " + excerpt(request));
        } catch (ExecutionException e) {
            AssertionError error = kill("talking to it failed (" + e.getCause() + ") on " + excerpt(request));
            error.initCause(e.getCause());
            throw error;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw kill("interrupted while waiting for " + excerpt(request));
        }
        if (line == null) {
            throw kill("it exited without answering " + excerpt(request));
        }
        Object parsed;
        try {
            parsed = Json.parse(line);
        } catch (IllegalArgumentException e) {
            throw protocolError("unreadable answer " + excerpt(line) + ": " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map) || !(map.get("ok") instanceof Boolean ok)) {
            throw protocolError("answer is not {\"ok\":..}: " + excerpt(line));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> response = (Map<String, Object>) map;
        if (!ok) {
            throw new OracleException(String.valueOf(response.get("error")));
        }
        return response;
    }

    /** Kills the process, marks the oracle dead and returns the error to throw (with node's stderr). */
    private synchronized AssertionError kill(String why) {
        dead = why;
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        io.shutdownNow();
        String exit = process.isAlive() ? "still alive" : "exit code " + process.exitValue();
        return new AssertionError("CDR oracle (node, pid " + process.pid() + ") failed: " + why + "; killed ("
            + exit + "); stderr:\n" + stderrText());
    }

    private AssertionError protocolError(String message) {
        return new AssertionError("CDR oracle protocol error: " + message + "; stderr:\n" + stderrText());
    }

    private void drainStderr(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            char[] buffer = new char[4096];
            int n;
            while ((n = reader.read(buffer)) >= 0) {
                synchronized (stderr) {
                    stderr.append(buffer, 0, n);
                    if (stderr.length() > STDERR_KEPT) {
                        stderr.delete(0, stderr.length() - STDERR_KEPT);
                    }
                }
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    private String stderrText() {
        synchronized (stderr) {
            return stderr.isEmpty() ? "(empty)" : stderr.toString();
        }
    }

    private static String excerpt(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "... (" + text.length() + " chars)";
    }

    // ------------------------------------------------------------------------------------------------ install

    // ------------------------------------------------------------------------------------ schema-guided values

    /**
     * One data field as the parser reports it.
     *
     * @param name            the field name
     * @param type            the element type: a primitive ({@code byte} and {@code char} become {@code uint8}),
     *                        {@code time} / {@code duration} for {@code builtin_interfaces/Time} / {@code Duration},
     *                        or the nested type's name ({@code std_msgs/Header})
     * @param isArray         whether it is an array or a sequence
     * @param isComplex       whether the element is a nested message
     * @param arrayLength     N of {@code T[N]}, or {@code null}
     * @param arrayUpperBound N of {@code T[<=N]}, or {@code null}
     * @param upperBound      N of {@code string<=N}, or {@code null}
     */
    public record Field(String name, String type, boolean isArray, boolean isComplex, Long arrayLength,
                        Long arrayUpperBound, Long upperBound) {
        Field(String name, String type, boolean isArray, boolean isComplex) {
            this(name, type, isArray, isComplex, null, null, null);
        }
    }

    /**
     * One constant as the parser reports it.
     *
     * @param name      the constant's name
     * @param type      its type ({@code byte} and {@code char} become {@code uint8})
     * @param value     its value: a {@link Long}, {@link Double}, {@link String} or {@link Boolean} (64-bit
     *                  integers arrive as decimal strings, see {@link Json})
     * @param valueText its value as written in the {@code .msg} text
     */
    public record Constant(String name, String type, Object value, String valueText) {
    }

    private record Schema(List<String> types, Map<String, List<Field>> byName, Map<String, List<Constant>> constants,
                          List<Field> root) {
        static Schema of(Map<String, Object> response) {
            if (!(response.get("types") instanceof List<?> rawTypes)
                    || !(response.get("definitions") instanceof List<?> rawDefinitions)) {
                throw new AssertionError("CDR oracle protocol error: parse answered " + response);
            }
            List<String> types = new ArrayList<>();
            for (Object type : rawTypes) {
                types.add((String) type);
            }
            Map<String, List<Field>> byName = new LinkedHashMap<>();
            Map<String, List<Constant>> constants = new LinkedHashMap<>();
            List<Field> root = null;
            for (Object rawDefinition : rawDefinitions) {
                Map<?, ?> definition = (Map<?, ?>) rawDefinition;
                List<Field> fields = new ArrayList<>();
                List<Constant> constantsHere = new ArrayList<>();
                boolean allConstant = true;
                List<?> rawFields = (List<?>) definition.get("definitions");
                for (Object rawField : rawFields) {
                    Map<?, ?> field = (Map<?, ?>) rawField;
                    if (Boolean.TRUE.equals(field.get("isConstant"))) {
                        constantsHere.add(new Constant((String) field.get("name"), (String) field.get("type"),
                            field.get("value"), (String) field.get("valueText")));
                        continue;
                    }
                    allConstant = false;
                    fields.add(new Field((String) field.get("name"), (String) field.get("type"),
                        Boolean.TRUE.equals(field.get("isArray")), Boolean.TRUE.equals(field.get("isComplex")),
                        integer(field.get("arrayLength")), integer(field.get("arrayUpperBound")),
                        integer(field.get("upperBound"))));
                }
                Object name = definition.get("name");
                List<Field> frozen = List.copyOf(fields);
                byName.put(name == null ? "" : (String) name, frozen);
                constants.put(name == null ? "" : (String) name, List.copyOf(constantsHere));
                // like the library: the root is the first definition that is not a module of constants only
                if (root == null && (rawFields.isEmpty() || !allConstant)) {
                    root = frozen;
                }
            }
            if (root == null) {
                throw new AssertionError("CDR oracle protocol error: no root definition in " + response);
            }
            return new Schema(Collections.unmodifiableList(types), Collections.unmodifiableMap(byName),
                Collections.unmodifiableMap(constants), root);
        }

        private static Long integer(Object value) {
            return switch (value) {
                case null -> null;
                case Long l -> l;
                case Number n -> n.longValue();
                default -> throw new AssertionError("CDR oracle protocol error: not an integer: " + value);
            };
        }

        Map<String, Object> message(List<Field> fields, Object json, String path) {
            if (!(json instanceof Map<?, ?> map)) {
                throw new AssertionError("CDR oracle protocol error: " + where(path) + " is not an object: " + json);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Field field : fields) {
                String fieldPath = path.isEmpty() ? field.name : path + "." + field.name;
                if (!map.containsKey(field.name)) {
                    throw new AssertionError("CDR oracle protocol error: " + fieldPath + " missing in " + json);
                }
                Object value = map.get(field.name);
                if (field.isArray) {
                    if (!(value instanceof List<?> list)) {
                        throw new AssertionError("CDR oracle protocol error: " + fieldPath + " is not an array");
                    }
                    List<Object> elements = new ArrayList<>(list.size());
                    for (int i = 0; i < list.size(); i++) {
                        elements.add(element(field, list.get(i), fieldPath + "[" + i + "]"));
                    }
                    out.put(field.name, elements);
                } else {
                    out.put(field.name, element(field, value, fieldPath));
                }
            }
            return out;
        }

        private Object element(Field field, Object value, String path) {
            if (field.isComplex) {
                List<Field> nested = byName.get(field.type);
                if (nested == null) {
                    throw new AssertionError("CDR oracle protocol error: unknown type " + field.type + " at " + path);
                }
                return message(nested, value, path);
            }
            return switch (field.type) {
                case "int64", "uint64" -> {
                    if (!(value instanceof String text)) {
                        throw new AssertionError("CDR oracle protocol error: " + path + " is not a decimal string");
                    }
                    BigInteger big = new BigInteger(text);
                    yield big.bitLength() < 64 ? (Object) big.longValue() : big;
                }
                case "float32", "float64" -> switch (value) {
                    case Double d -> d;
                    case Number n -> n.doubleValue();
                    case String s when s.equals("NaN") -> Double.NaN;
                    case String s when s.equals("Infinity") -> Double.POSITIVE_INFINITY;
                    case String s when s.equals("-Infinity") -> Double.NEGATIVE_INFINITY;
                    default -> throw new AssertionError("CDR oracle protocol error: " + path + " is not a float");
                };
                case "time", "duration" -> message(TIME, value, path);
                default -> value; // bool, string, 8..32-bit integers: already Boolean, String, Long
            };
        }

        private static final List<Field> TIME =
            List.of(new Field("sec", "int32", false, false), new Field("nanosec", "uint32", false, false));

        private static String where(String path) {
            return path.isEmpty() ? "the root message" : path;
        }
    }
}
