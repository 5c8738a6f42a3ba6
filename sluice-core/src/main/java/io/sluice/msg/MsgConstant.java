package io.sluice.msg;

/**
 * A constant of a {@code .msg} definition ({@code uint8 INT8 = 1}); constants take no bytes in a message.
 *
 * @param name  the constant's name
 * @param type  its primitive type
 * @param value its value as written (strings without their quotes)
 */
public record MsgConstant(String name, Primitive type, String value) {
}
