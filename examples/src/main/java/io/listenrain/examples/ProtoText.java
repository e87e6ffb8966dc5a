package io.listenrain.examples;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import java.util.Locale;

/** {@code call describe}'s output: services, methods, messages and enums written back as proto source. */
final class ProtoText {
  private ProtoText() {}

  static String service(ServiceDescriptor s) {
    StringBuilder b = new StringBuilder(s.getFullName()).append(" is a service:\nservice ").append(s.getName())
        .append(" {\n");
    for (MethodDescriptor m : s.getMethods()) {
      b.append("  ").append(rpc(m)).append('\n');
    }
    return b.append('}').toString();
  }

  static String method(MethodDescriptor m) {
    return m.getFullName() + " is a method:\n" + rpc(m);
  }

  static String rpc(MethodDescriptor m) {
    return "rpc " + m.getName() + " ( " + (m.isClientStreaming() ? "stream " : "") + "."
        + m.getInputType().getFullName() + " ) returns ( " + (m.isServerStreaming() ? "stream " : "") + "."
        + m.getOutputType().getFullName() + " );";
  }

  static String message(Descriptor d) {
    StringBuilder b = new StringBuilder(d.getFullName()).append(" is a message:\nmessage ").append(d.getName())
        .append(" {\n");
    for (FieldDescriptor f : d.getFields()) {
      b.append("  ").append(f.isRepeated() ? "repeated " : "").append(typeName(f)).append(' ').append(f.getName())
          .append(" = ").append(f.getNumber()).append(";\n");
    }
    return b.append('}').toString();
  }

  static String enumeration(EnumDescriptor e) {
    StringBuilder b = new StringBuilder(e.getFullName()).append(" is an enum:\nenum ").append(e.getName())
        .append(" {\n");
    for (EnumValueDescriptor v : e.getValues()) {
      b.append("  ").append(v.getName()).append(" = ").append(v.getNumber()).append(";\n");
    }
    return b.append('}').toString();
  }

  private static String typeName(FieldDescriptor f) {
    switch (f.getType()) {
      case MESSAGE:
      case GROUP:
        return "." + f.getMessageType().getFullName();
      case ENUM:
        return "." + f.getEnumType().getFullName();
      default:
        return f.getType().name().toLowerCase(Locale.ROOT);
    }
  }
}
