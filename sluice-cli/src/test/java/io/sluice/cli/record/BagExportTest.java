package io.sluice.cli.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.cli.CliRun;
import io.sluice.msg.sensor_msgs.CompressedImage;
import io.sluice.msg.sensor_msgs.Image;
import io.sluice.record.McapWriter;
import io.sluice.record.McapWriterOptions;
import java.awt.image.BufferedImage;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code sluice bag export}: CSV rows of any type, images as lossless PNG, compressed images as their bytes. */
class BagExportTest {
    @TempDir
    Path dir;



    private static byte[] image(int n, String encoding, int width, int height, int bytesPerPixel) {
        byte[] message = new byte[(int) Image.TYPE.defaultSize() + 64 + width * height * bytesPerPixel];
        MemorySegment segment = MemorySegment.ofArray(message);
        Image.TYPE.withCapacity(message.length).initialize(segment);
        Image image = Image.TYPE.wrap(segment);
        image.header().stamp().sec(n).nanosec(7);
        image.header().frameId("cam,\"1\"");
        image.height(height).width(width).encoding(encoding).step(width * bytesPerPixel)
            .dataCount(width * height * bytesPerPixel);
        for (int i = 0; i < width * height * bytesPerPixel; i++) {
            image.data(i, (byte) (i * 7 + n));
        }
        return java.util.Arrays.copyOf(message, (int) Image.TYPE.encodedSize(MemorySegment.ofArray(message)));
    }

    private Path bag() throws Exception {
        Path file = dir.resolve("bag.mcap");
        try (McapWriter writer = McapWriter.create(file, McapWriterOptions.defaults())) {
            int imageSchema = writer.schema(Image.NAME, "ros2msg", Image.TYPE.schema().getBytes(StandardCharsets.UTF_8));
            int rgb = writer.channel("/rgb", imageSchema, "cdr", Map.of());
            int depth = writer.channel("/depth16", imageSchema, "cdr", Map.of());
            int jpeg = writer.channel("/jpeg", writer.schema(CompressedImage.NAME, "ros2msg",
                CompressedImage.TYPE.schema().getBytes(StandardCharsets.UTF_8)), "cdr", Map.of());
            for (int n = 0; n < 3; n++) {
                writer.write(rgb, n, 1000 + n, 900 + n, image(n, "rgb8", 4, 2, 3));
                writer.write(depth, n, 1000 + n, 900 + n, image(n, "mono16", 4, 2, 2));
                byte[] compressed = new byte[256];
                CompressedImage.TYPE.withCapacity(256).initialize(MemorySegment.ofArray(compressed));
                CompressedImage message = CompressedImage.TYPE.wrap(MemorySegment.ofArray(compressed));
                message.format("jpeg").dataCount(3).data(0, (byte) 0xff).data(1, (byte) 0xd8).data(2, (byte) n);
                writer.write(jpeg, n, 1000 + n, 900 + n, java.util.Arrays.copyOf(compressed,
                    (int) CompressedImage.TYPE.encodedSize(MemorySegment.ofArray(compressed))));
            }
        }
        return file;
    }

    @Test
    void shouldExportEveryMessageAsACsvRowWithNestedFieldsAndShortenedArrays() throws Exception {
        Path file = bag();
        Path csv = dir.resolve("rgb.csv");
        CliRun result = CliRun.run("bag", "export", file.toString(), "--topic", "/rgb", "--csv", csv.toString(),
            "--array-limit", "4");
        assertEquals(new CliRun(0, "exported 3 messages of /rgb to " + csv + "\n", ""), result);
        List<String> lines = Files.readAllLines(csv);
        assertEquals(List.of("log_time,publish_time,sequence,header.stamp.sec,header.stamp.nanosec,header.frame_id,"
            + "height,width,encoding,is_bigendian,step,data",
            "1000,900,0,0,7,\"cam,\"\"1\"\"\",2,4,rgb8,0,12,<uint8[24]>",
            "1001,901,1,1,7,\"cam,\"\"1\"\"\",2,4,rgb8,0,12,<uint8[24]>",
            "1002,902,2,2,7,\"cam,\"\"1\"\"\",2,4,rgb8,0,12,<uint8[24]>"), lines);
        Path full = dir.resolve("full.csv");
        assertEquals(0, CliRun.run("bag", "export", file.toString(), "--topic", "/rgb", "--csv", full.toString()).code());
        assertTrue(Files.readAllLines(full).get(1).endsWith(",[0;7;14;21;28;35;42;49;56;63;70;77;84;91;98;105;112;"
            + "119;126;133;140;147;154;161]"), Files.readAllLines(full).get(1));
    }

    @Test
    void shouldExportImagesLosslesslyAndCompressedImagesAsTheirBytes() throws Exception {
        Path file = bag();
        Path rgb = dir.resolve("rgb");
        assertEquals(0, CliRun.run("bag", "export", file.toString(), "--topic", "/rgb", "--images", rgb.toString()).code());
        BufferedImage first = ImageIO.read(rgb.resolve("000001.png").toFile());
        byte[] expected = image(1, "rgb8", 4, 2, 3);
        Image published = Image.TYPE.wrap(MemorySegment.ofArray(expected));
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                int i = (y * 4 + x) * 3;
                int want = (published.data(i) & 0xff) << 16 | (published.data(i + 1) & 0xff) << 8
                    | published.data(i + 2) & 0xff;
                assertEquals(want, first.getRGB(x, y) & 0xffffff, "pixel " + x + "," + y);
            }
        }
        assertEquals(List.of("file,log_time,publish_time,sequence,stamp_sec,stamp_nanosec",
            "000000.png,1000,900,0,0,7", "000001.png,1001,901,1,1,7", "000002.png,1002,902,2,2,7"),
            Files.readAllLines(rgb.resolve("index.csv")));

        Path depth = dir.resolve("depth");
        assertEquals(0, CliRun.run("bag", "export", file.toString(), "--topic", "/depth16", "--images", depth.toString())
            .code());
        BufferedImage grey = ImageIO.read(depth.resolve("000002.png").toFile());
        assertEquals(16, grey.getColorModel().getPixelSize(), "16-bit grey");
        Image sixteen = Image.TYPE.wrap(MemorySegment.ofArray(image(2, "mono16", 4, 2, 2)));
        assertEquals((sixteen.data(2) & 0xff) | (sixteen.data(3) & 0xff) << 8, grey.getRaster().getSample(1, 0, 0));

        Path jpeg = dir.resolve("jpeg");
        assertEquals(0, CliRun.run("bag", "export", file.toString(), "--topic", "/jpeg", "--images", jpeg.toString())
            .code());
        assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0xd8, 2}, Files.readAllBytes(jpeg.resolve("000002.jpg")));
    }

    @Test
    void shouldSayWhatIsWrongInOneLine() throws Exception {
        Path file = bag();
        assertEquals(new CliRun(1, "", "sluice bag export: /nope is not in " + file + "\n"),
            CliRun.run("bag", "export", file.toString(), "--topic", "/nope", "--csv", dir.resolve("x.csv").toString()));
        CliRun both = CliRun.run("bag", "export", file.toString(), "--topic", "/rgb", "--csv", "a.csv", "--images", "d");
        assertEquals(2, both.code());
        assertTrue(both.err().startsWith("sluice bag export: Error: --csv=OUT.csv, --images=DIR are mutually"
            + " exclusive"), both.err());
    }
}
