package io.sluice.shm;

import io.sluice.IncompatibleTypeException;
import io.sluice.Loan;
import io.sluice.MessageType;
import io.sluice.Publisher;
import io.sluice.Qos;
import io.sluice.Sample;
import io.sluice.Sluice;
import io.sluice.SluiceException;
import io.sluice.Subscriber;
import io.sluice.it.ShmRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static io.sluice.shm.BadInputFiles.TYPE;
import static io.sluice.shm.BadInputFiles.assertContains;
import static io.sluice.shm.BadInputFiles.assertHealthyTopicWorks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Bad input through the API: names, sizes, types, and a domain directory that is not the user's own. */
class BadInputApiTest {
    private ShmRoot root;
    private Sluice sluice;

    @BeforeEach
    void setUp() {
        root = ShmRoot.create();
    }

    @AfterEach
    void tearDown() {
        if (sluice != null) {
            sluice.close();
        }
        root.close();
    }

    static Stream<String> invalidTopicNames() {
        return Stream.of("", "a", "/", "//", "/a//b", "/a/", "/1a", "/a/2b", "/a b", "/a-b", "/a.b", "/ä", "a/b",
            "/" + "a".repeat(200));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @MethodSource("invalidTopicNames")
    @Timeout(30)
    void shouldRejectInvalidTopicName(String topic) {
        sluice = Sluice.open("test", root.options());
        IllegalArgumentException byPublisher = assertThrows(IllegalArgumentException.class,
            () -> sluice.publisher(topic, TYPE));
        IllegalArgumentException bySubscriber = assertThrows(IllegalArgumentException.class,
            () -> sluice.subscriber(topic, TYPE, Qos.latest()));
        for (IllegalArgumentException e : List.of(byPublisher, bySubscriber)) {
            assertContains(e.getMessage(), "invalid topic name", "\"" + topic + "\"");
        }
        if (topic.length() > 200) {
            assertContains(byPublisher.getMessage(), "length=201");
        }
        assertEquals(List.of(), root.domainFiles(), "an invalid name creates no file");
        assertHealthyTopicWorks(sluice);
    }

    /** A type whose schema, name or hash does not fit a topic file is refused before any file is made. */
    @Test
    @Timeout(30)
    void shouldRefuseATypeTooLargeForATopicFileWithoutMakingAFile() {
        sluice = Sluice.open("test", root.options());
        MessageType<MemorySegment> huge = new MessageType<>() {
            @Override
            public String name() {
                return TYPE.name();
            }

            @Override
            public String schema() {
                return "uint8 a\n".repeat(10_000); // 80,000 bytes: more than the 65,536 a topic file holds
            }

            @Override
            public String hash() {
                return TYPE.hash();
            }

            @Override
            public MemorySegment wrap(MemorySegment message) {
                return message;
            }
        };
        for (org.junit.jupiter.api.function.Executable join : List.<org.junit.jupiter.api.function.Executable>of(
                () -> sluice.publisher("/huge", huge), () -> sluice.subscriber("/huge", huge, Qos.latest()))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, join);
            assertContains(e.getMessage(), "type too large", "schemaBytes=80000", "(at most 65536)", TYPE.name());
            assertEquals(List.of(), root.domainFiles(), "no topic file is made for it");
        }
        assertHealthyTopicWorks(sluice);
    }

    /** The words a failure to open the domain directory is told in: NIO's own messages are often the path alone. */
    @Test
    void shouldTellAnIoFailureInWords() {
        assertEquals("Permission denied: /r/sluice-0-0",
            Domain.describe(new java.nio.file.AccessDeniedException("/r/sluice-0-0")));
        assertEquals("No such file or directory: /r", Domain.describe(new java.nio.file.NoSuchFileException("/r")));
        assertEquals("Read-only file system: /r/sluice-0-0",
            Domain.describe(new java.nio.file.FileSystemException("/r/sluice-0-0", null, "Read-only file system")));
        assertEquals("java.nio.file.FileSystemException: /r", Domain.describe(new java.nio.file.FileSystemException("/r")));
        assertEquals("java.io.IOException: disk on fire", Domain.describe(new java.io.IOException("disk on fire")));
    }

    @Test
    @Timeout(30)
    void shouldAcceptTopicNameOfTwoHundredCharacters() {
        sluice = Sluice.open("test", root.options());
        String topic = "/" + "a".repeat(99) + "/" + "b_9".repeat(33);
        assertEquals(200, topic.length());
        try (Publisher<MemorySegment> publisher = sluice.publisher(topic, TYPE)) {
            assertEquals(topic, publisher.topic());
        }
    }

    @Test
    @Timeout(30)
    void shouldRejectLoanAboveMaximumMessageSizeOrNegative() {
        long maximum = 1024 * 1024;
        sluice = Sluice.open("test", root.options().withMaxMessageSize(maximum));
        Publisher<MemorySegment> publisher = sluice.publisher("/limited", TYPE);
        for (long size : new long[] {maximum + 1, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> publisher.loan(size),
                "loan(" + size + ")");
            assertContains(e.getMessage(), "size=" + size, "maxMessageSize=" + maximum);
        }
        // the refused loans left the publisher as it was: the maximum itself still fits
        Subscriber<MemorySegment> subscriber = sluice.subscriber("/limited", TYPE, Qos.queue(2));
        assertEquals(1, subscriber.publisherCount());
        try (Loan<MemorySegment> loan = publisher.loan(maximum)) {
            loan.segment().fill((byte) 7);
            loan.publish();
        }
        try (Sample<MemorySegment> sample = subscriber.take(Duration.ofSeconds(5))) {
            assertNotNull(sample);
            assertEquals(maximum, sample.segment().byteSize());
        }
    }

    @Test
    @Timeout(30)
    void shouldDeliverZeroLengthMessagesEndToEnd() {
        sluice = Sluice.open("publishing", root.options());
        try (Sluice receiving = Sluice.open("receiving", root.options())) {
            Subscriber<MemorySegment> queue = receiving.subscriber("/empty", TYPE, Qos.queue(4));
            Subscriber<MemorySegment> latest = receiving.subscriber("/empty", TYPE, Qos.latest());
            Publisher<MemorySegment> publisher = sluice.publisher("/empty", TYPE);
            try (Loan<MemorySegment> loan = publisher.loan(0)) {
                assertEquals(0, loan.segment().byteSize());
                loan.publish();
            }
            publisher.publishCopy(new byte[0]);
            for (long sequence = 0; sequence < 2; sequence++) {
                try (Sample<MemorySegment> sample = queue.take(Duration.ofSeconds(5))) {
                    assertNotNull(sample, "zero-length sample " + sequence);
                    assertEquals(sequence, sample.sequence());
                    assertEquals(0, sample.segment().byteSize());
                    assertEquals(0, sample.message().byteSize());
                }
            }
            try (Sample<MemorySegment> sample = latest.take(Duration.ofSeconds(5))) {
                assertNotNull(sample);
                assertEquals(1, sample.sequence());
                assertEquals(0, sample.segment().byteSize());
            }
            assertNull(queue.take(), "nothing more");
            assertEquals(0, queue.lostCount());
            publisher.close();
        }
    }

    @Test
    @Timeout(30)
    void shouldRejectSubscriberAndPublisherOfAnotherType() {
        sluice = Sluice.open("test", root.options());
        MessageType<MemorySegment> image = MessageType.raw("sensor_msgs/msg/Image");
        MessageType<MemorySegment> cloud = MessageType.raw("sensor_msgs/msg/PointCloud2");
        Publisher<MemorySegment> publisher = sluice.publisher("/camera", image);

        IncompatibleTypeException bySubscriber = assertThrows(IncompatibleTypeException.class,
            () -> sluice.subscriber("/camera", cloud, Qos.latest()));
        assertContains(bySubscriber.getMessage(), "/camera", "sensor_msgs/msg/Image", "sensor_msgs/msg/PointCloud2");
        IncompatibleTypeException byPublisher = assertThrows(IncompatibleTypeException.class,
            () -> sluice.publisher("/camera", cloud));
        assertContains(byPublisher.getMessage(), "sensor_msgs/msg/Image", "sensor_msgs/msg/PointCloud2");

        // same name, other schema: the hashes tell them apart
        MessageType<MemorySegment> imageV2 = new Renamed(image, "uint32 width\nuint32 height\n");
        IncompatibleTypeException bySchema = assertThrows(IncompatibleTypeException.class,
            () -> sluice.subscriber("/camera", imageV2, Qos.latest()));
        assertContains(bySchema.getMessage(), image.hash(), imageV2.hash());

        assertEquals(0, publisher.subscriberCount(), "the refused subscribers did not join");
        assertHealthyTopicWorks(sluice);
    }

    /** A type with the name of another and a schema of its own. */
    private record Renamed(MessageType<MemorySegment> of, String schema) implements MessageType<MemorySegment> {
        @Override
        public String name() {
            return of.name();
        }

        @Override
        public String hash() {
            return MessageType.defaultHash(name(), schema);
        }

        @Override
        public MemorySegment wrap(MemorySegment message) {
            return message;
        }
    }

    @Test
    @Timeout(30)
    void shouldRefuseDomainDirectoryOwnedByAnotherUser() throws Exception {
        assumeTrue(ShmRoot.uid() == 0, "needs root to give the directory to another user");
        Path directory = root.domainDirectory();
        Files.createDirectory(directory);
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
        Files.setAttribute(directory, "unix:uid", 65534, LinkOption.NOFOLLOW_LINKS);
        SluiceException e = assertThrows(SluiceException.class, () -> Sluice.open("test", root.options()));
        assertContains(e.getMessage(), "belongs to another user", "owner=65534", directory.toString());
        assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)),
            "another user's directory is not touched");
    }

    @Test
    @Timeout(30)
    void shouldRefuseSymlinkInPlaceOfDomainDirectory() throws Exception {
        Path elsewhere = Files.createDirectory(root.path().resolve("elsewhere"));
        Files.createSymbolicLink(root.domainDirectory(), elsewhere);
        SluiceException e = assertThrows(SluiceException.class, () -> Sluice.open("test", root.options()));
        assertContains(e.getMessage(), "not a plain directory", root.domainDirectory().toString());
        try (Stream<Path> files = Files.list(elsewhere)) {
            assertEquals(0, files.count(), "nothing is created through the link");
        }
    }

    @Test
    @Timeout(30)
    void shouldRefuseRootThatIsNotADirectory() throws Exception {
        Path file = Files.writeString(root.path().resolve("plain-file"), "x");
        SluiceException e = assertThrows(SluiceException.class,
            () -> Sluice.open("test", root.options().withRoot(file)));
        assertContains(e.getMessage(), "not a directory", file.toString());
    }
}
