package io.sluice.cli.demo;

import java.util.function.Supplier;

/** The processes of the demo, each started as {@code sluice demo-<name>} in a JVM of its own. */
public enum DemoRole {
    CAMERA("camera", CameraNode::new),
    CONTROLLER("controller", ControllerNode::new),
    RECORDER("recorder", ReaderNode::recorder),
    MONITOR("monitor", ReaderNode::monitor);

    /** The hidden subcommands start with this, followed by the role name. */
    public static final String COMMAND_PREFIX = "demo-";

    private final String label;
    private final Supplier<DemoNode> factory;

    DemoRole(String label, Supplier<DemoNode> factory) {
        this.label = label;
        this.factory = factory;
    }

    /** The role's name in reports and tables: {@code camera}, {@code controller}... */
    public String label() {
        return label;
    }

    /** The hidden subcommand that runs this role: {@code demo-camera}... */
    public String command() {
        return COMMAND_PREFIX + label;
    }

    /** The role whose {@link #command()} is {@code command}, or null. */
    public static DemoRole ofCommand(String command) {
        for (DemoRole role : values()) {
            if (role.command().equals(command)) {
                return role;
            }
        }
        return null;
    }

    DemoNode newNode() {
        return factory.get();
    }
}
