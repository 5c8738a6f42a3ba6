package io.sluice.shm;

import io.sluice.os.Doorbell;
import io.sluice.os.BellRinger;
import io.sluice.TestRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A publisher rings exactly the bell a subscriber row names, and nothing when the row or the file is not right. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DoorbellRingerTest {
    private final TestRoot root = new TestRoot();

    @AfterEach
    void cleanUp() {
        root.close();
    }

    @Test
    void shouldRingTheNamedBellOnlyWhenPidSlotAndFileIdMatch() throws Exception {
        Domain domain = Domain.open(root.path(), 0);
        try (Doorbell bell = Doorbell.acquire(domain.directory());
             Doorbell other = Doorbell.acquire(domain.directory());
             BellRinger ringer = new BellRinger(domain.directory())) {
            int key = bell.key();
            int otherKey = other.key();
            ringer.ring(bell.pid(), bell.slot(), bell.fileId());
            assertEquals(key + 1, bell.key());
            assertEquals(otherKey, other.key(), "only the named slot");
            ringer.ring(bell.pid(), bell.slot(), bell.fileId() ^ 1); // a file of a reused pid
            ringer.ring(bell.pid(), Doorbell.SLOTS, bell.fileId());  // slot out of range
            ringer.ring(bell.pid(), -1, bell.fileId());
            ringer.ring(0, bell.slot(), bell.fileId());               // no such pid
            ringer.ring(bell.pid(), bell.slot(), 0);                  // no bell named
            assertEquals(key + 1, bell.key(), "none of the bad names rang");
            ringer.ring(bell.pid(), bell.slot(), bell.fileId());
            assertEquals(key + 2, bell.key(), "the right name still rings after bad ones");
        }
    }

    @Test
    void shouldLookAgainForABellFileItCouldNotMapAMomentAgo() throws Exception {
        Domain domain = Domain.open(root.path(), 0);
        try (Doorbell bell = Doorbell.acquire(domain.directory());
             BellRinger ringer = new BellRinger(domain.directory())) {
            java.nio.file.Path file = Doorbell.path(domain.directory(), bell.pid());
            java.nio.file.Path aside = file.resolveSibling("aside");
            Files.move(file, aside); // as if it could not be opened just now
            ringer.ring(bell.pid(), bell.slot(), bell.fileId());
            Files.move(aside, file);
            int key = bell.key();
            ringer.ring(bell.pid(), bell.slot(), bell.fileId());
            assertEquals(key, bell.key(), "not at every publish");
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(BellRinger.RETRY_NANOS) + 100);
            ringer.ring(bell.pid(), bell.slot(), bell.fileId());
            assertEquals(key + 1, bell.key(), "looked for again after a while, and rung");
        }
    }

    @Test
    void shouldNotRingAFileThatIsNotABellFile() throws Exception {
        Domain domain = Domain.open(root.path(), 0);
        int pid = Integer.MAX_VALUE - 7; // no such process
        java.nio.file.Path fake = Doorbell.path(domain.directory(), pid);
        BadInputFiles.write(fake, java.nio.ByteBuffer.allocate(100)); // too short (0600, as Sluice makes its files)
        try (BellRinger ringer = new BellRinger(domain.directory())) {
            ringer.ring(pid, 0, 42);
        }
        BadInputFiles.write(fake, java.nio.ByteBuffer.allocate((int) Doorbell.FILE_LENGTH)); // long enough, no magic
        try (BellRinger ringer = new BellRinger(domain.directory())) {
            ringer.ring(pid, 0, 42);
        }
        assertEquals(0, Files.readAllBytes(fake)[Doorbell.LINE], "nothing was written into a foreign file");
    }

    @Test
    void shouldKeepTheBellFileOfALiveProcessWhenSweepingAndRemoveItWithTheLastBell() throws Exception {
        Domain domain = Domain.open(root.path(), 0);
        java.nio.file.Path file = Doorbell.path(domain.directory(), ProcessHandle.current().pid());
        Doorbell first = Doorbell.acquire(domain.directory());
        Doorbell second = Doorbell.acquire(domain.directory());
        domain.sweep();
        assertTrue(Files.exists(file), "a live process's bells survive a sweep");
        first.close();
        assertTrue(Files.exists(file), "one bell still in use");
        second.close();
        assertTrue(Files.notExists(file), "the last bell removes the file");
    }
}
