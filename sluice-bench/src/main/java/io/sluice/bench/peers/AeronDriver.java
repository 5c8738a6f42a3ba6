package io.sluice.bench.peers;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Aeron media driver of a peer-benchmark run ({@link AeronTransport}), run by the coordinator as a process of
 * its own before any Aeron harness process, one for the whole run (its directory goes to the harnesses as
 * {@code aeron_dir}; a test may run one per measurement at {@code <dir>/aeron}):
 *
 * {@snippet lang = "shell" :
 * java --add-exports java.base/jdk.internal.misc=ALL-UNNAMED -cp ... io.sluice.bench.peers.AeronDriver \
 *     dir=<aeron directory>
 * }
 * It prints {@code READY} (flushed) once the driver runs, and stops — closing the driver and deleting its directory —
 * when its stdin reaches end of file or on SIGTERM/SIGINT (the coordinator sends SIGTERM). Exit status 0 after
 * stdin closed, 1 (after {@code ERROR ...}) when the driver cannot start.
 *
 * <p>{@link ThreadingMode#SHARED}: one driver thread (conductor, sender and receiver agents in one duty cycle) with
 * Aeron's default {@link BackoffIdleStrategy}. Over IPC the data never passes through the driver — publishers write
 * the log buffer, subscribers read it — and the driver's only part is the conductor's bookkeeping (publisher limits,
 * cleaning, liveness). {@code DEDICATED} would add a sender and a receiver thread that have nothing to do for IPC but
 * still spin before they back off, taking CPU from the two harness processes on a 2-core machine; one shared thread
 * is the fair choice there.
 */
public final class AeronDriver {
    private AeronDriver() {
    }

    public static void main(String[] argv) throws IOException {
        PrintStream out = System.out;
        String dir = null;
        for (String arg : argv) {
            if (arg.startsWith("dir=")) {
                dir = arg.substring("dir=".length());
            }
        }
        if (dir == null || dir.isEmpty()) {
            out.println("ERROR usage: AeronDriver dir=<aeron directory>");
            out.flush();
            System.exit(2);
            return;
        }
        MediaDriver driver;
        try {
            AeronTransport.checkJvmOptions();
            driver = MediaDriver.launch(new MediaDriver.Context()
                .aeronDirectoryName(dir)
                .threadingMode(ThreadingMode.SHARED)
                .sharedIdleStrategy(new BackoffIdleStrategy())
                .dirDeleteOnStart(true)
                .dirDeleteOnShutdown(true)
                .warnIfDirectoryExists(false));
        } catch (RuntimeException | LinkageError e) {
            e.printStackTrace();
            out.println("ERROR " + (e.getClass().getSimpleName() + ": " + e.getMessage()).replace('\n', ' '));
            out.flush();
            IoUtil.delete(new File(dir), true);
            System.exit(1);
            return;
        }
        String aeronDir = dir;
        AtomicBoolean closed = new AtomicBoolean();
        Runnable stop = () -> {
            if (closed.compareAndSet(false, true)) {
                driver.close();
                IoUtil.delete(new File(aeronDir), true);
            }
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "aeron-driver-stop"));
        out.println("READY");
        out.flush();
        InputStream in = System.in;
        byte[] discard = new byte[256];
        while (in.read(discard) >= 0) {
            // the coordinator writes nothing; end of file is the signal to stop
        }
        stop.run();
        System.exit(0);
    }
}
