package io.sluice.bench.peers;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Every measured fan-out message a sink took, in arrival order, for the harness key {@code trace=FILE}: when each
 * arrived and how late, so that a loss or a late frame can be placed in time (a summary says only how many).
 * Filled without allocation in the measured window (arrays sized up front, grown by doubling only past that);
 * written once at the end as tab-separated lines {@code seq, send_ns, receive_ns, latency_ns, gap_before} where
 * {@code gap_before} counts the sequence numbers missing just before this one (a loss right after the warm-up or
 * right before END is in the sink's {@code lost}, not in the trace).
 */
final class FrameTrace {
    private long[] seqs;
    private long[] sent;
    private long[] received;
    private int count;

    FrameTrace(int capacity) {
        int initial = Math.max(16, capacity);
        seqs = new long[initial];
        sent = new long[initial];
        received = new long[initial];
    }

    void add(long seq, long sendNanos, long receiveNanos) {
        if (count == seqs.length) {
            seqs = Arrays.copyOf(seqs, count * 2);
            sent = Arrays.copyOf(sent, count * 2);
            received = Arrays.copyOf(received, count * 2);
        }
        seqs[count] = seq;
        sent[count] = sendNanos;
        received[count] = receiveNanos;
        count++;
    }

    void write(Path file) {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("seq\tsend_ns\treceive_ns\tlatency_ns\tgap_before\n");
            for (int i = 0; i < count; i++) {
                long gap = i == 0 ? 0 : Math.max(0, seqs[i] - seqs[i - 1] - 1);
                out.write(seqs[i] + "\t" + sent[i] + "\t" + received[i] + "\t" + (received[i] - sent[i]) + "\t" + gap
                    + "\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the frame trace " + file, e);
        }
    }
}
