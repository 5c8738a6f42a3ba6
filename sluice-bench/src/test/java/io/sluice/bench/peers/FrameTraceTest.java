package io.sluice.bench.peers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FrameTraceTest {
    @Test
    void writesEveryFrameInArrivalOrderWithTheGapBeforeIt(@TempDir Path dir) throws IOException {
        FrameTrace trace = new FrameTrace(1); // grows past its first capacity
        for (long seq = 10; seq < 40; seq++) {
            if (seq != 20 && seq != 21) {
                trace.add(seq, 1_000 * seq, 1_000 * seq + 7);
            }
        }
        Path file = dir.resolve("trace.tsv");
        trace.write(file);
        List<String> lines = Files.readAllLines(file);
        assertEquals(29, lines.size());
        assertEquals("seq\tsend_ns\treceive_ns\tlatency_ns\tgap_before", lines.get(0));
        assertEquals("10\t10000\t10007\t7\t0", lines.get(1));
        assertEquals("22\t22000\t22007\t7\t2", lines.get(11));
        assertEquals("39\t39000\t39007\t7\t0", lines.get(28));
    }

    @Test
    void theHarnessTakesTheKey() {
        HarnessArgs args = HarnessArgs.parse(new String[] {"sluice", "sink", "workload=fanout", "name=t",
            "size=4096", "warmup=0", "duration=1", "rate=30", "trace=/tmp/x.tsv"});
        assertEquals("/tmp/x.tsv", args.trace());
        assertEquals("", HarnessArgs.parse(new String[] {"sluice", "sink", "workload=fanout", "name=t",
            "size=4096", "warmup=0", "duration=1", "rate=30"}).trace());
    }
}
