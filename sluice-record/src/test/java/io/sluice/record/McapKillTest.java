package io.sluice.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code kill -9} of a recorder: every message whose write had returned is recovered when chunks are written
 * uncompressed (the open chunk's records are whole in the file); with compression, every message up to the last
 * closed chunk.
 */
class McapKillTest {
    private static final int KILL_AFTER = 500;

    @TempDir
    Path dir;

    /** What the child said before it died: the last {@code wrote N} and {@code flushed N}. */
    private record Said(long wrote, long flushed) {
    }

    private Said killChild(Path file, McapCompression compression, String mode) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
            KilledWriterChild.class.getName(), file.toString(), compression.name(), mode)
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long wrote = 0;
        long flushed = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
            StandardCharsets.UTF_8))) {
            String line;
            boolean killed = false;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("wrote ")) {
                    wrote = Long.parseLong(line.substring(6));
                } else if (line.startsWith("flushed ")) {
                    flushed = Long.parseLong(line.substring(8));
                }
                if (!killed && (line.equals("ready") || (mode.equals("run") && wrote >= KILL_AFTER))) {
                    // SIGKILL through the handle: Process.destroyForcibly would also close the pipe, and the lines
                    // printed before the kill would be lost
                    child.toHandle().destroyForcibly();
                    killed = true;
                }
            }
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "the child did not die");
        } finally {
            child.destroyForcibly();
        }
        assertTrue(wrote >= KILL_AFTER, "the child stopped writing early: " + wrote);
        return new Said(wrote, flushed);
    }

    @ParameterizedTest
    @EnumSource(McapCompression.class)
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRecoverEveryMessageOfTheChunkBeingWrittenWhenItIsUncompressed(McapCompression compression)
        throws Exception {
        Path file = dir.resolve("paused.mcap");
        Said said = killChild(file, compression, "pause");
        assertEquals(KilledWriterChild.BEFORE_PAUSE + KilledWriterChild.OPEN, said.wrote());
        Path recovered = dir.resolve("recovered.mcap");
        McapRecovery.Report report = McapRecovery.recover(file, recovered, McapWriterOptions.defaults());
        boolean uncompressed = compression == McapCompression.NONE;
        // uncompressed, the open chunk's three messages are whole in the file; compressed, they never left memory
        assertEquals(uncompressed ? said.wrote() : KilledWriterChild.BEFORE_PAUSE, report.messages(),
            report.toString());
        assertEquals(uncompressed ? 1 : 0, report.partialChunks(), report.toString());
        assertRecovered(recovered, report.messages());
    }

    @ParameterizedTest
    @EnumSource(McapCompression.class)
    @Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void shouldRecoverWhatARecorderKilledWhileWritingHadWritten(McapCompression compression) throws Exception {
        Path file = dir.resolve("killed.mcap");
        Said said = killChild(file, compression, "run");

        McapFormatException refused = assertThrows(McapFormatException.class, () -> McapReader.open(file));
        assertTrue(refused.getMessage().contains("not finished"), refused.getMessage());

        Path recovered = dir.resolve("recovered.mcap");
        McapRecovery.Report report = McapRecovery.recover(file, recovered, McapWriterOptions.defaults());
        assertFalse(report.wasFinished());
        assertEquals(0, report.damagedChunks(), report.toString());
        long atLeast = compression == McapCompression.NONE ? said.wrote() : said.flushed();
        assertTrue(report.messages() >= atLeast, "recovered " + report.messages() + " of at least " + atLeast
            + ": " + report);
        assertRecovered(recovered, report.messages());
    }

    /** The recovered file is finished and holds messages 0 .. count-1 as the child wrote them. */
    private static void assertRecovered(Path recovered, long count) throws IOException {
        try (McapReader reader = McapReader.open(recovered)) {
            assertEquals(List.of("/killed"), reader.channels().values().stream().map(McapChannel::topic).toList());
            Iterator<McapMessage> messages = reader.messages();
            long i = 0;
            while (messages.hasNext()) {
                McapMessage message = messages.next();
                assertEquals(i, message.sequence());
                assertArrayEquals(KilledWriterChild.message(i), message.data().toArray(ValueLayout.JAVA_BYTE),
                    "message " + i);
                i++;
            }
            assertEquals(count, i);
        }
    }
}
