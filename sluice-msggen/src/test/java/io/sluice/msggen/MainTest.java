package io.sluice.msggen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The {@code msggen} command line. */
class MainTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private Path msg(String type, String text) throws IOException {
        Path file = dir.resolve("msg").resolve(type + ".msg");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void shouldWriteSourcesAndExitZeroWhenMessagesAreGood() throws IOException {
        msg("acme_msgs/msg/Detection", "std_msgs/Header header\nstring label\n");
        int status = run("--msg-dir", dir.resolve("msg").toString(), "--out", dir.resolve("out").toString(),
            "--package", "com.acme");
        assertEquals(0, status, err());
        assertTrue(Files.isRegularFile(dir.resolve("out/com/acme/acme_msgs/Detection.java")));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("msggen: 1 written, 0 unchanged under "));
    }

    @Test
    void shouldPrintEachProblemAndExitOneWhenAMessageIsBad() throws IOException {
        Path file = msg("acme_msgs/msg/Bad", "int32 x\nwstring y\n");
        int status = run("--msg-dir", dir.resolve("msg").toString(), "--out", dir.resolve("out").toString());
        assertEquals(1, status);
        assertTrue(err().startsWith(file + ":2: wstring is not supported"), err());
        assertTrue(err().endsWith("msggen: 1 problem, nothing written" + System.lineSeparator()), err());
        assertTrue(Files.notExists(dir.resolve("out")));
    }

    @Test
    void shouldGenerateTheStandardTypesWhenAsked() {
        assertEquals(0, run("--standard", "--out", dir.resolve("out").toString()), err());
        assertTrue(Files.isRegularFile(dir.resolve("out/io/sluice/msg/sensor_msgs/Image.java")));
    }

    @Test
    void shouldPrintUsageAndExitTwoWhenArgumentsAreWrong() {
        assertEquals(2, run("--out", "x"));
        assertTrue(err().startsWith("msggen: give either --msg-dir (at least one) or --standard"), err());
        assertEquals(2, run("--msg-dir", "a"));
        assertTrue(err().contains("msggen: --out is required"), err());
        assertEquals(2, run("--standard", "--out"));
        assertTrue(err().contains("msggen: --out needs a value"), err());
        assertEquals(2, run("--bogus"));
        assertTrue(err().contains("msggen: unknown argument: --bogus"), err());
        assertEquals(2, run("--msg-dir", "a", "--out", "b", "--superclass", "x"));
        assertTrue(err().contains("--superclass needs TYPE=CLASS"), err());
        assertEquals(2, run("--msg-dir", "a", "--out", "b", "--package", "1x"));
        assertTrue(err().contains("usage: msggen"), err());
    }
}
