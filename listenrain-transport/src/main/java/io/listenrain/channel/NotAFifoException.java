package io.listenrain.channel;

import java.nio.file.FileSystemException;

/**
 * A path given to {@link Channels#fifo} exists but is not a named pipe (a regular file, a directory, a socket, a
 * device). Raised before anything is opened, so nothing blocks on, truncates or reads the file.
 */
public final class NotAFifoException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  public NotAFifoException(String path, String actual) {
    super(path, null, "not a FIFO (named pipe): " + actual);
  }
}
