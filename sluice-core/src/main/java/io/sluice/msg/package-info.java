/**
 * ROS 2 messages in their wire format (CDR: XCDR1, little endian, 4-byte encapsulation header), read and written in
 * place in shared memory.
 *
 * <ul>
 *   <li>{@link io.sluice.msg.MsgSchema} parses {@code .msg} text (the {@code ros2msg} format MCAP and rosbag2 use:
 *       the root definition, then each dependency after a separator line and {@code MSG: package/Name}).</li>
 *   <li>{@link io.sluice.msg.CdrMessage} is the base of the flyweights generated from {@code .msg} files (the
 *       standard ones in {@code io.sluice.msg.<package>}, yours by {@code sluice-maven-plugin}); each has a
 *       {@link io.sluice.msg.CdrType} {@code TYPE} for publishers and subscribers.</li>
 *   <li>{@link io.sluice.msg.CdrReader} decodes any message from its schema alone into a {@link io.sluice.msg.CdrTree};
 *       {@link io.sluice.msg.CdrType#dynamic} subscribes to a topic known only by the schema it carries.</li>
 *   <li>{@link io.sluice.msg.Cdr} and {@link io.sluice.msg.CdrLayout} hold the layout rules: bounds-checked access,
 *       where a message ends, default messages, and moving the bytes after a field that changes length.</li>
 * </ul>
 *
 * <p>Nothing read from a message is trusted: every length and offset is checked against the message's segment, and
 * a violation raises {@link io.sluice.msg.MalformedMessageException} naming the type, the field and the offset.
 */
package io.sluice.msg;
