package io.sluice.cli.record;

import io.sluice.cli.Progress;
import io.sluice.msg.CdrReader;
import io.sluice.msg.CdrTree;
import io.sluice.msg.CdrType;
import io.sluice.msg.MsgSchema;
import io.sluice.msg.sensor_msgs.CompressedImage;
import io.sluice.msg.sensor_msgs.Image;
import io.sluice.record.McapChannel;
import io.sluice.record.McapFormatException;
import io.sluice.record.McapMessage;
import io.sluice.record.McapReader;
import io.sluice.record.McapSchema;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sluice bag export FILE --topic T --csv OUT.csv | --images DIR}: a recorded topic as a table or as image
 * files.
 *
 * <p>CSV: one row per message, in log-time order: {@code log_time}, {@code publish_time}, {@code sequence}, then
 * every field, nested ones as {@code header.stamp.sec}; an array of at most {@code --array-limit} elements in one
 * cell as {@code [a;b;c]}, a longer one as its type and length, {@code <uint8[921600]>}. The columns are those
 * of the first message; a later message whose fields differ (a sequence of messages of another length) fills the
 * same cells. Images: {@code sensor_msgs/msg/Image} as PNG (8-bit colour or grey as they are, mono16 and 16UC1 as
 * 16-bit grey, 32FC1 colour-mapped like the video), {@code sensor_msgs/msg/CompressedImage} as its own bytes
 * ({@code .jpg}, {@code .png}); files {@code 000000.png}, ... and {@code index.csv} with each file's times.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
    description = "Export a recorded topic as CSV, or its images as files.")
public final class BagExport implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "an MCAP file")
    Path file;

    @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "the topic")
    String topic;

    @ArgGroup(multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--csv", paramLabel = "OUT.csv", required = true, description = "a CSV file")
        Path csv;

        @Option(names = "--images", paramLabel = "DIR", required = true, description = "a directory for image files")
        Path images;
    }

    @Option(names = "--array-limit", paramLabel = "N", defaultValue = "32",
        description = "array elements a CSV cell shows (default: ${DEFAULT-VALUE})")
    int arrayLimit;

    @Option(names = "--depth-range", paramLabel = "NEAR:FAR", defaultValue = "0.2:10",
        description = "metres of 32FC1 depth the colour map spans (default: ${DEFAULT-VALUE})")
    String depthRange;

    private final PrintStream out;
    private final PrintStream err;

    public BagExport(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        try (McapReader reader = McapReader.open(file)) {
            McapChannel channel = reader.channels().values().stream().filter(c -> c.topic().equals(topic))
                .findFirst().orElse(null);
            if (channel == null) {
                err.println("sluice bag export: " + topic + " is not in " + file);
                return 1;
            }
            McapSchema schema = reader.schemas().get(channel.schemaId());
            long total = reader.statistics().map(s -> s.channelMessageCounts().getOrDefault(channel.id(), 0L))
                .orElse(-1L);
            long count;
            try (Progress progress = Progress.start(err, "export", total, Progress.Unit.ITEMS)) {
                count = target.csv != null ? csv(reader, channel, schema, progress)
                    : images(reader, schema, progress);
            }
            out.println("exported " + count + " messages of " + topic + " to "
                + (target.csv != null ? target.csv : target.images));
            return 0;
        } catch (io.sluice.msg.MalformedMessageException | io.sluice.msg.SchemaException e) {
            err.println("sluice bag export: " + topic + ": " + e.getMessage());
        } catch (NoSuchFileException e) {
            err.println("sluice bag export: no such file: " + e.getFile());
        } catch (McapFormatException e) {
            err.println("sluice bag export: " + e.getMessage());
        } catch (UncheckedIOException e) {
            err.println("sluice bag export: " + e.getCause().getMessage());
        } catch (IOException | IllegalArgumentException e) {
            err.println("sluice bag export: " + e.getMessage());
        }
        return 1;
    }

    private long csv(McapReader reader, McapChannel channel, McapSchema schema, Progress progress)
        throws IOException {
        if (schema == null || !schema.encoding().equals("ros2msg") || !channel.messageEncoding().equals("cdr")) {
            throw new IllegalArgumentException(topic + " is not CDR with a ros2msg schema: its fields are unknown");
        }
        MsgSchema msgSchema = CdrType.dynamic(schema.name(), new String(schema.data(), StandardCharsets.UTF_8))
            .msgSchema();
        long count = 0;
        try (BufferedWriter csv = Files.newBufferedWriter(target.csv, StandardCharsets.UTF_8)) {
            List<String> columns = null;
            Iterator<McapMessage> messages = reader.messages(0, -1, Set.of(topic));
            while (messages.hasNext()) {
                McapMessage message = messages.next();
                Map<String, String> cells = new LinkedHashMap<>();
                cells.put("log_time", Long.toString(message.logTime()));
                cells.put("publish_time", Long.toString(message.publishTime()));
                cells.put("sequence", Long.toString(message.sequence()));
                flatten("", CdrReader.read(msgSchema, message.data(), arrayLimit), cells);
                if (columns == null) {
                    columns = new ArrayList<>(cells.keySet());
                    csv.write(row(columns));
                }
                List<String> values = new ArrayList<>(columns.size());
                for (String column : columns) {
                    values.add(cells.getOrDefault(column, ""));
                }
                csv.write(row(values));
                progress.update(++count, "");
            }
        }
        return count;
    }

    private static void flatten(String prefix, CdrTree tree, Map<String, String> cells) {
        for (CdrTree.Field field : tree.fields()) {
            String name = prefix + field.name();
            if (field.value() instanceof CdrTree nested) {
                flatten(name + ".", nested, cells);
            } else {
                cells.put(name, cell(field.value()));
            }
        }
    }

    private static String cell(Object value) {
        if (value instanceof CdrTree.Bulk bulk) {
            return "<" + bulk.elementType() + "[" + bulk.length() + "]>";
        }
        if (value instanceof List<?> list) {
            StringBuilder text = new StringBuilder("[");
            for (Object element : list) {
                text.append(text.length() > 1 ? ";" : "").append(element instanceof CdrTree tree
                    ? tree.toString().strip().replace('\n', ' ') : String.valueOf(element));
            }
            return text.append(']').toString();
        }
        return String.valueOf(value);
    }

    /** One CSV line (RFC 4180): cells with a comma, quote or line break quoted, quotes doubled. */
    static String row(List<String> cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            if (i > 0) {
                line.append(',');
            }
            if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
                line.append('"').append(cell.replace("\"", "\"\"")).append('"');
            } else {
                line.append(cell);
            }
        }
        return line.append("\r\n").toString();
    }

    private long images(McapReader reader, McapSchema schema, Progress progress) throws IOException {
        String type = schema == null ? "(none)" : schema.name();
        boolean raw = type.equals(Image.NAME);
        if (!raw && !type.equals(CompressedImage.NAME)) {
            throw new IllegalArgumentException(topic + " carries " + type + ", not " + Image.NAME + " or "
                + CompressedImage.NAME);
        }
        double[] range = depthRange();
        Files.createDirectories(target.images);
        long count = 0;
        try (BufferedWriter index = Files.newBufferedWriter(target.images.resolve("index.csv"),
            StandardCharsets.UTF_8)) {
            index.write(row(List.of("file", "log_time", "publish_time", "sequence", "stamp_sec", "stamp_nanosec")));
            Iterator<McapMessage> messages = reader.messages(0, -1, Set.of(topic));
            while (messages.hasNext()) {
                McapMessage message = messages.next();
                String name;
                int sec;
                int nanosec;
                if (raw) {
                    Image image = Image.TYPE.wrap(message.data());
                    name = String.format(Locale.ROOT, "%06d.png", count);
                    ImageIO.write(picture(image, range), "png", target.images.resolve(name).toFile());
                    sec = image.header().stamp().sec();
                    nanosec = image.header().stamp().nanosec();
                } else {
                    CompressedImage image = CompressedImage.TYPE.wrap(message.data());
                    String format = image.format().toLowerCase(Locale.ROOT);
                    name = String.format(Locale.ROOT, "%06d.%s", count, format.contains("png") ? "png"
                        : format.contains("jpeg") || format.contains("jpg") ? "jpg" : "bin");
                    MemorySegment data = image.data();
                    Files.write(target.images.resolve(name), data.toArray(ValueLayout.JAVA_BYTE));
                    sec = image.header().stamp().sec();
                    nanosec = image.header().stamp().nanosec();
                }
                index.write(row(List.of(name, Long.toString(message.logTime()), Long.toString(message.publishTime()),
                    Long.toString(message.sequence()), Integer.toString(sec), Integer.toUnsignedString(nanosec))));
                progress.update(++count, "");
            }
        }
        return count;
    }

    private double[] depthRange() {
        return BagVideo.VideoOptions.depthRange(depthRange);
    }

    /** An image as a picture ImageIO writes as PNG. */
    static BufferedImage picture(Image image, double[] range) {
        ImagePixels.Format format = ImagePixels.format(image.encoding());
        int width = image.width();
        int height = image.height();
        byte[] pixels = new byte[Math.multiplyExact(Math.multiplyExact(width, height), format.bytesOut())];
        ImagePixels.convert(image, format, pixels, range[0], range[1]);
        BufferedImage picture;
        switch (format.ffmpegPixelFormat()) {
            case "gray" -> {
                picture = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
                System.arraycopy(pixels, 0, ((DataBufferByte) picture.getRaster().getDataBuffer()).getData(), 0,
                    pixels.length);
            }
            case "gray16le" -> {
                picture = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
                short[] target = ((DataBufferUShort) picture.getRaster().getDataBuffer()).getData();
                for (int i = 0; i < target.length; i++) {
                    target[i] = (short) ((pixels[2 * i] & 0xff) | (pixels[2 * i + 1] & 0xff) << 8);
                }
            }
            default -> {
                // rgb24, bgr24, rgba, bgra: to 8-bit RGB (alpha dropped)
                picture = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
                byte[] target = ((DataBufferByte) picture.getRaster().getDataBuffer()).getData();
                int step = format.bytesOut();
                boolean bgr = format.ffmpegPixelFormat().startsWith("bgr");
                for (int i = 0, o = 0; o < target.length; i += step, o += 3) {
                    target[o] = bgr ? pixels[i] : pixels[i + 2];
                    target[o + 1] = pixels[i + 1];
                    target[o + 2] = bgr ? pixels[i + 2] : pixels[i];
                }
            }
        }
        return picture;
    }
}
