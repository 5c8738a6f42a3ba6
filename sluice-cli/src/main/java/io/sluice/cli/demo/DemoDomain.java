package io.sluice.cli.demo;

import io.sluice.Sluice;
import io.sluice.SluiceOptions;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The Sluice domain the demo runs in, so that it never mixes with a user's topics: {@code SLUICE_DOMAIN} when set,
 * else {@value #FIRST}{@code  + pid % }{@value #COUNT}. The parent removes the domain's directory at the end when
 * nothing is left in it.
 */
final class DemoDomain {
    static final int FIRST = 40_000;
    static final int COUNT = 20_000;

    private DemoDomain() {
    }

    /**
     * The domain for a demo run by process {@code pid}, given the value of {@code SLUICE_DOMAIN} (null or blank when
     * unset).
     *
     * @throws IllegalArgumentException when {@code SLUICE_DOMAIN} is not a domain number
     */
    static int choose(String environmentValue, long pid) {
        if (environmentValue == null || environmentValue.isBlank()) {
            return FIRST + (int) (pid % COUNT);
        }
        int domain;
        try {
            domain = Integer.parseInt(environmentValue.trim());
        } catch (NumberFormatException notNumber) {
            throw new IllegalArgumentException("SLUICE_DOMAIN is not a number: SLUICE_DOMAIN=" + environmentValue);
        }
        SluiceOptions.defaults().withDomain(domain); // checks the range, with Sluice's own message
        return domain;
    }

    /**
     * The directory of {@code domain}, created if needed; joining also sweeps away what crashed participants left
     * there.
     */
    static Path join(int domain) {
        try (Sluice sluice = Sluice.open("demo", options(domain))) {
            return sluice.directory();
        }
    }

    /**
     * Sweeps {@code domain} once more (files of children that were killed) and deletes its directory when it is
     * empty; true when the directory is gone.
     */
    static boolean removeIfEmpty(int domain) {
        Path directory = join(domain);
        try {
            Files.delete(directory);
            return true;
        } catch (NoSuchFileException alreadyGone) {
            return true;
        } catch (DirectoryNotEmptyException inUse) {
            return false; // someone else's topics live there too
        } catch (IOException error) {
            return false;
        }
    }

    private static SluiceOptions options(int domain) {
        return SluiceOptions.defaults().withDomain(domain);
    }
}
