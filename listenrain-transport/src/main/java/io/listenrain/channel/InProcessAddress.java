package io.listenrain.channel;

import java.net.SocketAddress;
import java.util.Objects;

/** Names an in-process pipe endpoint: a listener and its dialers meet by name inside one JVM, with no socket. */
public final class InProcessAddress extends SocketAddress {
  private static final long serialVersionUID = 1L;

  private final String name;

  public InProcessAddress(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  public String name() {
    return name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InProcessAddress && ((InProcessAddress) o).name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return "inprocess:" + name;
  }
}
