/**
 * Codecs: {@link io.listenrain.codec.PacketCodec} cuts a byte stream into packets (the default is a 4-byte
 * big-endian length prefix, byte-compatible with the Go original) and {@link io.listenrain.codec.MessageCodec} turns
 * a packet into a message and names its msgID, the value that correlates a response with its request. Raw bytes and
 * protobuf codecs ship; a protocol may bring its own. Codecs are pure: no I/O, no state between packets.
 */
package io.listenrain.codec;
