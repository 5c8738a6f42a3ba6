package io.sluice.bench.peers;

/** The transports {@link PeerHarness} speaks, by the name the coordinator gives them. */
final class JavaTransports {
    private JavaTransports() {
    }

    static JavaTransport open(HarnessArgs args) {
        return switch (args.transport()) {
            case "sluice" -> new SluiceTransport(args);
            case "aeron-offer" -> new AeronTransport(args, AeronTransport.Mode.OFFER);
            case "aeron-claim" -> new AeronTransport(args, AeronTransport.Mode.CLAIM);
            case "jeromq" -> new JeroMqTransport(args);
            default -> throw new IllegalArgumentException("unknown transport: " + args.transport());
        };
    }
}
