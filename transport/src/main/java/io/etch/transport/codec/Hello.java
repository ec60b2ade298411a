package io.etch.transport.codec;

/** A decoded HELLO: see {@link HandshakeDescriptor}. */
public record Hello(
    int magic, int version, Lane lane, long clusterId, long senderId, long receiverId) {}
