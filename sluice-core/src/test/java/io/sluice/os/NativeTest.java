package io.sluice.os;

import io.sluice.CorruptDataException;
import io.sluice.TestRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every call of {@link Native} against the kernel, each on its way in and its way out: what it does when it works,
 * and the exception, call, argument and errno text when it does not. The system calls go through one generic
 * {@code syscall} stub with numbers per architecture, so a wrong number or argument order shows here first.
 */
class NativeTest {
    private final TestRoot root = new TestRoot();
    private final Arena arena = Arena.ofShared();

    @AfterEach
    void tearDown() {
        arena.close();
        root.close();
    }

    /** A new, empty file of the test's root, open read-write. */
    private Native.CheckedFile create(String name) throws IOException {
        return Native.openChecked(root.path().resolve(name), Native.O_RDWR, Native.Creation.NEW);
    }

    @Test
    void shouldCreateAFileOfMode0600WhateverTheUmaskAndRefuseTheNameTwice() throws IOException {
        Path path = root.path().resolve("created");
        Native.CheckedFile file = Native.openChecked(path, Native.O_RDWR, Native.Creation.NEW);
        try {
            assertTrue(file.created());
            assertEquals(0, file.size());
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path)));
            assertEquals(Native.geteuid(), file.status().uid());
            assertEquals(1, file.status().links());
        } finally {
            Native.close(file.fd());
        }
        FileAlreadyExistsException taken = assertThrows(FileAlreadyExistsException.class,
            () -> Native.openChecked(path, Native.O_RDWR, Native.Creation.NEW));
        assertTrue(taken.getMessage().startsWith("open failed: path=" + path + ", errno=17 (File exists)"),
            taken.getMessage());
        Native.CheckedFile again = Native.openChecked(path, Native.O_RDONLY, Native.Creation.EXISTING_OR_NEW);
        assertFalse(again.created());
        Native.close(again.fd());
    }

    @Test
    void shouldNameTheMissingFileAndRefuseWhatIsNotAPrivateRegularFile() throws IOException {
        Path missing = root.path().resolve("missing");
        NoSuchFileException absent = assertThrows(NoSuchFileException.class,
            () -> Native.openChecked(missing, Native.O_RDONLY, Native.Creation.EXISTING));
        assertTrue(absent.getMessage().contains("path=" + missing + ", errno=2 (No such file or directory)"),
            absent.getMessage());

        Path open = Files.createFile(root.path().resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        CorruptDataException mode = assertThrows(CorruptDataException.class,
            () -> Native.openChecked(open, Native.O_RDONLY, Native.Creation.EXISTING));
        assertEquals("file mode is not 0600: file=" + open + ", mode=0644", mode.getMessage());

        Path link = Files.createSymbolicLink(root.path().resolve("link"), open);
        CorruptDataException symlink = assertThrows(CorruptDataException.class,
            () -> Native.openChecked(link, Native.O_RDONLY, Native.Creation.EXISTING));
        assertEquals("not a regular file: file=" + link + ", type=symlink", symlink.getMessage());

        Path directory = Files.createDirectory(root.path().resolve("directory"));
        assertEquals("directory", Native.lstat(directory).type());
        assertEquals("symlink", Native.lstat(link).type());
        assertEquals("regular", Native.lstat(open).type());
    }

    @Test
    void shouldGiveAnUnnamedFileItsNameOnlyWhenLinkedAndKnowItsIdentity() throws IOException {
        int fd = Native.openUnnamed(root.path(), 0600);
        try {
            try (var names = Files.list(root.path())) {
                assertEquals(0, names.count(), "an unnamed file has no name");
            }
            Path path = root.path().resolve("linked");
            Native.link(fd, path);
            assertTrue(Native.sameFile(fd, path));
            FileAlreadyExistsException taken = assertThrows(FileAlreadyExistsException.class,
                () -> Native.link(fd, path));
            assertTrue(taken.getMessage().startsWith("linkat failed: fd=" + fd + ", path=" + path + ", errno=17"),
                taken.getMessage());
            assertTrue(Native.unlink(path));
            assertFalse(Native.unlink(path), "unlink of a name that is gone says so");
            assertFalse(Native.sameFile(fd, path));
        } finally {
            Native.close(fd);
        }
        NoSuchFileException noDirectory = assertThrows(NoSuchFileException.class,
            () -> Native.openUnnamed(root.path().resolve("absent"), 0600));
        assertTrue(noDirectory.getMessage().startsWith("open(O_TMPFILE) failed"), noDirectory.getMessage());
    }

    @Test
    void shouldReserveMapAndShareTheBytesOfAFile() throws IOException {
        Path path = root.path().resolve("mapped");
        Native.CheckedFile file = create("mapped");
        try {
            Native.allocate(file.fd(), 3 * 4096 + 100);
            assertEquals(3 * 4096 + 100, Native.fstat(file.fd()).size());
            assertTrue(Native.fileSystemSize(file.fd()) >= 3 * 4096 + 100 || Native.fileSystemSize(file.fd()) == -1);
            MemorySegment writable = Native.map(file.fd(), 3 * 4096 + 100, true, arena);
            MemorySegment readable = Native.map(file.fd(), 3 * 4096 + 100, false, arena);
            writable.set(JAVA_LONG, 3 * 4096 + 88, 0x0123_4567_89ab_cdefL);
            assertEquals(0x0123_4567_89ab_cdefL, readable.get(JAVA_LONG, 3 * 4096 + 88), "one file, two mappings");
            assertTrue(readable.isReadOnly());
            assertThrows(IllegalArgumentException.class, () -> readable.set(JAVA_INT, 0, 1));
            assertArrayEquals(new byte[] {(byte) 0xef, (byte) 0xcd}, java.util.Arrays.copyOfRange(
                Files.readAllBytes(path), 3 * 4096 + 88, 3 * 4096 + 90), "little endian, in the file itself");
            IOException negative = assertThrows(IOException.class, () -> Native.allocate(file.fd(), -1));
            assertTrue(negative.getMessage().startsWith("fallocate failed: fd=" + file.fd() + ", length=-1, errno=22"),
                negative.getMessage());
        } finally {
            Native.close(file.fd());
        }
        IOException closed = assertThrows(IOException.class, () -> Native.map(file.fd(), 4096, false, arena));
        assertTrue(closed.getMessage().startsWith("mmap failed: fd=" + file.fd() + ", length=4096, errno=9"),
            closed.getMessage());
        IOException fchmod = assertThrows(IOException.class, () -> Native.fchmod(file.fd(), 0600));
        assertTrue(fchmod.getMessage().contains("errno=9 (Bad file descriptor)"), fchmod.getMessage());
    }

    @Test
    void shouldReserveByWritingEveryPageWhereFallocateIsNotSupported() throws IOException {
        Path path = root.path().resolve("written");
        Native.CheckedFile file = create("written");
        try {
            Native.allocateByWriting(file.fd(), 2 * 4096 + 1);
            assertEquals(2 * 4096 + 1, Native.fstat(file.fd()).size());
            byte[] bytes = Files.readAllBytes(path);
            assertEquals(2 * 4096 + 1, bytes.length);
            for (byte b : bytes) {
                assertEquals(0, b);
            }
            IOException notEmpty = assertThrows(IOException.class, () -> Native.allocateByWriting(file.fd(), 4096));
            assertTrue(notEmpty.getMessage().contains("(not an empty file)"), notEmpty.getMessage());
        } finally {
            Native.close(file.fd());
        }
        Native.CheckedFile small = create("small");
        try {
            Native.allocateByWriting(small.fd(), 10);
            assertEquals(10, Native.fstat(small.fd()).size());
        } finally {
            Native.close(small.fd());
        }
    }

    @Test
    void shouldHoldALockPerOpenFileDescriptionUntilItIsReleasedOrClosed() throws IOException {
        Native.CheckedFile first = create("locked");
        Native.CheckedFile second = Native.openChecked(root.path().resolve("locked"), Native.O_RDWR,
            Native.Creation.EXISTING);
        try {
            assertTrue(Native.tryLock(first.fd(), 7));
            assertFalse(Native.tryLock(second.fd(), 7), "another open file description holds byte 7");
            assertTrue(Native.tryLock(second.fd(), 8), "byte 8 is free");
            assertTrue(Native.isLocked(second.fd(), 7));
            assertFalse(Native.isLocked(first.fd(), 7), "its own lock does not count");
            Native.unlock(first.fd(), 7);
            assertFalse(Native.isLocked(second.fd(), 7));
            assertTrue(Native.tryLock(first.fd(), 7));
            Native.close(first.fd());
            assertFalse(Native.isLocked(second.fd(), 7), "closing the description drops its lock");
        } finally {
            Native.close(second.fd());
        }
        IOException closed = assertThrows(IOException.class, () -> Native.isLocked(second.fd(), 7));
        assertTrue(closed.getMessage().startsWith("fcntl(F_OFD_GETLK) failed: fd=" + second.fd() + ", offset=7"),
            closed.getMessage());
    }

    @Test
    @Timeout(30)
    void shouldSleepOnASharedWordUntilWokenOrTimedOut() throws Exception {
        Native.CheckedFile file = create("futex");
        try {
            Native.allocate(file.fd(), 4096);
            MemorySegment word = Native.map(file.fd(), 4096, true, arena);
            MemorySegment timespec = arena.allocate(16, 8);
            long start = System.nanoTime();
            Native.futexWait(word, 0, 20_000_000L, timespec);
            assertTrue(System.nanoTime() - start >= 15_000_000L, "slept until the timeout, not at once");
            start = System.nanoTime();
            Native.futexWait(word, 1, 10_000_000_000L, timespec); // the word is 0: returns at once
            assertTrue(System.nanoTime() - start < 5_000_000_000L);

            CountDownLatch sleeping = new CountDownLatch(1);
            AtomicLong woke = new AtomicLong();
            Thread sleeper = Thread.ofPlatform().start(() -> {
                MemorySegment own = Arena.ofAuto().allocate(16, 8);
                sleeping.countDown();
                while (word.get(JAVA_INT, 0) == 0) {
                    Native.futexWait(word, 0, 10_000_000_000L, own);
                }
                woke.set(System.nanoTime());
            });
            sleeping.await();
            Thread.sleep(50);
            word.set(JAVA_INT, 0, 1);
            long rung = System.nanoTime();
            Native.futexWakeAll(word);
            sleeper.join(20_000);
            assertFalse(sleeper.isAlive());
            assertTrue(woke.get() - rung < 5_000_000_000L, "woken, not timed out");

            MemorySegment waiters = arena.allocate(2L * Native.FUTEX_WAITV_SIZE, 8);
            MemorySegment state = arena.allocate(Native.captureStateSize(), 8);
            Native.futexWaitvEntry(waiters, 0, word, 0); // the word is 1: differs at once
            Native.futexWaitvEntry(waiters, 1, word.asSlice(4), 0);
            assertEquals(-1, Native.futexWaitv(waiters, 2, System.nanoTime() + 5_000_000_000L, timespec, state));
            Native.futexWaitvEntry(waiters, 0, word, 1);
            start = System.nanoTime();
            assertEquals(-1, Native.futexWaitv(waiters, 2, System.nanoTime() + 20_000_000L, timespec, state));
            assertTrue(System.nanoTime() - start >= 15_000_000L, "slept until the deadline");
        } finally {
            Native.close(file.fd());
        }
    }
}
