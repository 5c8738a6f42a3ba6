package io.sluice.it;

import io.sluice.MessageType;
import io.sluice.Qos;
import io.sluice.Sluice;
import io.sluice.SluiceOptions;
import io.sluice.Subscriber;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Main of a child JVM run as another user (uid 65534): tries to get at the owner's files and reports, one line per
 * command, what happened. Needs sluice-core's classes and this class only. Commands on stdin:
 *
 * <pre>
 * UID                 -> UID n
 * READ path           -> OPENED path | DENIED path exception | FAILED path exception
 * WRITE path          -> same, opening for writing
 * LIST directory      -> OPENED ... | DENIED ... | FAILED ...
 * SLUICE root topic   -> SLUICE-OK dir=... publishers=n | SLUICE-FAILED exception: message [| cause]
 * </pre>
 */
public final class ForeignUserProbe {
    private ForeignUserProbe() {
    }

    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        say("STARTED");
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            String[] command = line.trim().split("\\s+");
            switch (command[0]) {
                case "UID" -> say("UID " + Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
                case "READ" -> open(Path.of(command[1]), StandardOpenOption.READ);
                case "WRITE" -> open(Path.of(command[1]), StandardOpenOption.WRITE);
                case "LIST" -> list(Path.of(command[1]));
                case "SLUICE" -> sluice(Path.of(command[1]), command[2]);
                case "EXIT" -> {
                    say("BYE");
                    return;
                }
                default -> say("ERROR unknown command: " + line);
            }
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static void open(Path path, StandardOpenOption mode) {
        try (FileChannel channel = FileChannel.open(path, mode)) {
            say("OPENED " + path + " size=" + channel.size());
        } catch (java.nio.file.AccessDeniedException e) {
            say("DENIED " + path + " " + e);
        } catch (IOException | RuntimeException e) {
            say("FAILED " + path + " " + e);
        }
    }

    private static void list(Path directory) {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            StringBuilder names = new StringBuilder();
            files.forEach(file -> names.append(' ').append(file.getFileName()));
            say("OPENED " + directory + names);
        } catch (java.nio.file.AccessDeniedException e) {
            say("DENIED " + directory + " " + e);
        } catch (IOException | RuntimeException e) {
            say("FAILED " + directory + " " + e);
        }
    }

    private static void sluice(Path root, String topic) {
        try (Sluice sluice = Sluice.open("intruder", SluiceOptions.defaults().withRoot(root).withDomain(0))) {
            Subscriber<MemorySegment> subscriber = sluice.subscriber(topic,
                MessageType.raw("sluice_test/msg/Payload"), Qos.latest());
            say("SLUICE-OK dir=" + sluice.directory() + " publishers=" + subscriber.publisherCount());
        } catch (RuntimeException e) {
            say("SLUICE-FAILED " + e.getClass().getName() + ": " + e.getMessage()
                + (e.getCause() != null ? " | cause " + e.getCause() : ""));
        }
    }
}
