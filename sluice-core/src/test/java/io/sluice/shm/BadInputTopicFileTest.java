package io.sluice.shm;

import io.sluice.CorruptDataException;
import io.sluice.PublisherOptions;
import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.SluiceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static io.sluice.shm.BadInputFiles.TYPE;
import static io.sluice.shm.BadInputFiles.assertContains;
import static io.sluice.shm.BadInputFiles.assertHealthyTopicWorks;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 4 for topic files: a damaged or foreign {@code .topic} file raises a {@link CorruptDataException} that
 * names the file and the field, is left as it is, and does not disturb other topics.
 */
class BadInputTopicFileTest extends OpenSluiceTest {
    @Test
    @Timeout(30)
    void shouldAcceptCraftedTopicFileWhenNothingIsWrongWithIt() throws Exception {
        // the control for every test below: the crafted file is valid until one field is damaged
        BadInputFiles.write(directory.resolve("crafted.topic"), BadInputFiles.validTopicFile(TYPE));
        try (Sluice other = Sluice.open("other", root.options())) {
            var subscriber = other.subscriber("/crafted", TYPE, Qos.queue(2));
            var publisher = other.publisher("/crafted", TYPE);
            publisher.publishCopy(new byte[] {1, 2, 3});
            try (var sample = subscriber.take(java.time.Duration.ofSeconds(5))) {
                assertEquals(3, sample.segment().byteSize());
            }
        }
        assertEquals(List.of(), root.domainFiles(), "the last participant removed the crafted topic");
    }

    @Test
    @Timeout(30)
    void shouldRejectTopicFileWithWrongMagic() throws Exception {
        ByteBuffer file = BadInputFiles.validTopicFile(TYPE);
        long magic = 0x4349_554c_5354_4f4eL; // "NOTSLUIC" little endian
        file.putLong(TopicLayout.MAGIC_OFFSET, magic);
        assertRejected(file, "topic file has a wrong magic", "magic=0x" + Long.toHexString(magic));
    }

    @Test
    @Timeout(30)
    void shouldRejectTopicFileWithUnsupportedVersion() throws Exception {
        ByteBuffer file = BadInputFiles.validTopicFile(TYPE);
        file.putInt(TopicLayout.VERSION_OFFSET, TopicLayout.VERSION + 1);
        assertRejected(file, "unsupported version", "version=" + (TopicLayout.VERSION + 1),
            "supported=" + TopicLayout.VERSION);
    }

    @ParameterizedTest(name = "{0}={2}")
    @CsvSource({
        "fileLength,      16, 12345, 'wrong length', 'fileLength=12345'",
        "maxPublishers,   24, 17,    'maxPublishers differs', 'maxPublishers=17'",
        "maxSubscribers,  28, 0,     'maxSubscribers differs', 'maxSubscribers=0'",
        "maxHeld,         32, 99,    'maxHeld differs', 'maxHeld=99'",
        "typeNameLength,  40, 256,   'typeNameLength out of range', 'typeNameLength=256'",
        "schemaLength,    44, -1,    'schemaLength out of range', 'schemaLength=-1'",
        "hashLength,      48, 96,    'hashLength out of range', 'hashLength=96'",
    })
    @Timeout(30)
    void shouldRejectTopicFileWithWrongSizes(String field, int offset, long value, String problem, String named)
        throws Exception {
        ByteBuffer file = BadInputFiles.validTopicFile(TYPE);
        if (field.equals("fileLength")) {
            file.putLong(offset, value);
        } else {
            file.putInt(offset, (int) value);
        }
        assertRejected(file, problem, named);
    }

    @ParameterizedTest(name = "truncated to {0} bytes")
    @CsvSource({"100", "4096", "70000"})
    @Timeout(30)
    void shouldRejectTruncatedTopicFile(int size) throws Exception {
        ByteBuffer file = BadInputFiles.validTopicFile(TYPE).limit(size);
        assertRejected(file, "truncated", "size=" + size);
    }

    @Test
    @Timeout(30)
    void shouldRejectCorruptNextGenerationWhenPublisherJoins() throws Exception {
        ByteBuffer file = BadInputFiles.validTopicFile(TYPE);
        file.putInt(TopicLayout.NEXT_GENERATION_OFFSET, 0); // generations skip 0: a negative one is fine, 0 is not
        Path path = directory.resolve("broken.topic");
        BadInputFiles.write(path, file);
        CorruptDataException e = assertThrows(CorruptDataException.class,
            () -> sluice.publisher("/broken", TYPE, PublisherOptions.defaults()));
        assertContains(e.getMessage(), "nextGeneration", "nextGeneration=0", path.toString());
        assertHealthyTopicWorks(sluice);
    }

    @Test
    @Timeout(30)
    void shouldLeaveForeignFilesAloneAndReportGarbageTopic() throws Exception {
        Random random = new Random(42);
        byte[] notes = "shopping list: /dev/shm is not a notebook\n".getBytes();
        byte[] garbage = new byte[TopicLayout.FILE_LENGTH];
        random.nextBytes(garbage);
        byte[] shortGarbage = new byte[1000];
        random.nextBytes(shortGarbage);
        Files.write(directory.resolve("notes.txt"), notes);
        // 0600, as Sluice makes its files: what is wrong with these is their content (HostileFileTest: the rest)
        BadInputFiles.write(directory.resolve("garbage.topic"), ByteBuffer.wrap(garbage));
        BadInputFiles.write(directory.resolve("short.topic"), ByteBuffer.wrap(shortGarbage));
        Files.createDirectory(directory.resolve("folder.topic"));

        // a participant joining sweeps the directory: foreign and damaged files are not its to remove
        try (Sluice joining = Sluice.open("joining", root.options())) {
            assertHealthyTopicWorks(joining);
            CorruptDataException wrong = assertThrows(CorruptDataException.class,
                () -> joining.subscriber("/garbage", TYPE, Qos.latest()));
            assertContains(wrong.getMessage(), "wrong magic", directory.resolve("garbage.topic").toString());
            CorruptDataException truncated = assertThrows(CorruptDataException.class,
                () -> joining.publisher("/short", TYPE));
            assertContains(truncated.getMessage(), "truncated", "size=1000");
            SluiceException folder = assertThrows(SluiceException.class,
                () -> joining.subscriber("/folder", TYPE, Qos.latest()));
            assertContains(folder.getMessage(), "folder.topic");
        }
        assertEquals(List.of("folder.topic", "garbage.topic", "notes.txt", "short.topic"), root.domainFiles());
        assertArrayEquals(notes, Files.readAllBytes(directory.resolve("notes.txt")));
        assertArrayEquals(garbage, Files.readAllBytes(directory.resolve("garbage.topic")));
        assertArrayEquals(shortGarbage, Files.readAllBytes(directory.resolve("short.topic")));
    }

    @Test
    @Timeout(30)
    void shouldNotFollowSymlinkInPlaceOfTopicFile() throws Exception {
        Path target = root.path().resolve("victim.txt");
        byte[] content = "must stay as it is\n".getBytes();
        Files.write(target, content);
        Files.createSymbolicLink(directory.resolve("link.topic"), target);

        try (Sluice joining = Sluice.open("joining", root.options())) {
            SluiceException e = assertThrows(SluiceException.class, () -> joining.publisher("/link", TYPE));
            assertContains(e.getMessage(), "link.topic");
            assertHealthyTopicWorks(joining);
        }
        assertArrayEquals(content, Files.readAllBytes(target), "the symlink's target is untouched");
        assertTrue(Files.isSymbolicLink(directory.resolve("link.topic")));
    }

    /**
     * Writes {@code file} as {@code broken.topic}; a publisher and a subscriber of {@code /broken} are refused with a
     * message naming the file and each fragment; the file stays as it was; another topic works.
     */
    private void assertRejected(ByteBuffer file, String... fragments) throws Exception {
        Path path = directory.resolve("broken.topic");
        BadInputFiles.write(path, file);
        byte[] before = Files.readAllBytes(path);

        CorruptDataException bySubscriber = assertThrows(CorruptDataException.class,
            () -> sluice.subscriber("/broken", TYPE, Qos.queue(4)));
        assertContains(bySubscriber.getMessage(), fragments);
        assertContains(bySubscriber.getMessage(), "file=" + path);
        CorruptDataException byPublisher = assertThrows(CorruptDataException.class,
            () -> sluice.publisher("/broken", TYPE));
        assertContains(byPublisher.getMessage(), fragments);

        assertHealthyTopicWorks(sluice);
        try (Sluice joining = Sluice.open("joining", root.options())) {
            assertThrows(CorruptDataException.class, () -> joining.subscriber("/broken", TYPE, Qos.latest()));
        }
        assertArrayEquals(before, Files.readAllBytes(path), "the damaged file is left as it was");
        assertEquals(List.of("broken.topic"), root.domainFiles());
    }
}
