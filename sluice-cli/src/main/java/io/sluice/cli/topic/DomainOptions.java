package io.sluice.cli.topic;

import io.sluice.Sluice;
import io.sluice.SluiceOptions;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --domain} and {@code --root}: which domain a topic or node command looks at; the same rules as the API. */
public final class DomainOptions {
    @Option(names = "--domain", paramLabel = "N",
        description = "the domain (default: SLUICE_DOMAIN, else 0)")
    Integer domain;

    @Option(names = "--root", paramLabel = "DIR", description = "the shared-memory root (default: /dev/shm)")
    Path root;

    /** The options of the domain asked for. */
    public SluiceOptions options() {
        SluiceOptions options = SluiceOptions.defaults();
        if (domain != null) {
            options = options.withDomain(domain);
        }
        if (root != null) {
            options = options.withRoot(root);
        }
        return options;
    }

    /** Joins the domain as {@code name}; joining creates no row in any topic. */
    public Sluice open(String name) {
        return Sluice.open(name, options());
    }
}
