package io.listenrain.channel;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Opens the two ends of a FIFO pair and builds a {@code "fifo"} {@link StreamChannel} over them.
 *
 * <p><b>Rendezvous.</b> A FIFO has no connect: opening one for reading blocks in the kernel until some process opens
 * it for writing, and the other way round. Each side opens its read end and its write end <em>at once</em>, each on
 * its own short-lived thread, so the two sides meet whatever order they start in and neither can deadlock waiting
 * for the other's second open (opening the ends one after the other would deadlock when both sides start with their
 * read end). The channel exists once both opens returned.
 *
 * <p><b>Giving up.</b> A blocked {@code open(2)} cannot be interrupted from Java. When the connect timeout passes (or
 * the returned future is cancelled) before both ends are open, each still-blocked open is released by opening that
 * FIFO read-write ourselves (on Linux a read-write open of a FIFO never blocks and satisfies a pending open of either
 * direction); the ends are then closed and the future fails with a {@link ConnectException}.
 *
 * <p><b>I/O.</b> Both ends are {@link FileChannel}s, whose close wakes a thread blocked in read or write (a
 * {@code FileInputStream}'s close does not), so closing the channel ends its reader and writer threads even over an
 * idle or full pipe.
 *
 * <p>Lock order: {@link #lock} guards only the fields below; no I/O or callback runs while it is held.
 */
final class FifoRendezvous {
  private static final AtomicInteger IDS = new AtomicInteger();
  /** S_IFMT and S_IFIFO from {@code <sys/stat.h>}: the file-type bits of {@code unix:mode}. */
  private static final int S_IFMT = 0170000;
  private static final int S_IFIFO = 0010000;

  private final Path readPath;
  private final Path writePath;
  private final ChannelOptions options;
  private final CompletableFuture<Channel> result = new CompletableFuture<>();
  private final Object lock = new Object();
  @GuardedBy("lock")
  private FileChannel readEnd;
  @GuardedBy("lock")
  private FileChannel writeEnd;
  /** Set once the result is decided; an end that opens later is closed at once. */
  @GuardedBy("lock")
  private boolean decided;
  /** Whether each direction's open has returned (opened or failed). */
  @GuardedBy("lock")
  private boolean readReturned;
  @GuardedBy("lock")
  private boolean writeReturned;
  /** Releasing openers (read-write opens made on giving up), kept until that direction's open has returned. */
  @GuardedBy("lock")
  private FileChannel readHolder;
  @GuardedBy("lock")
  private FileChannel writeHolder;

  private FifoRendezvous(Path readPath, Path writePath, ChannelOptions options) {
    this.readPath = readPath;
    this.writePath = writePath;
    this.options = options;
  }

  static CompletableFuture<Channel> open(Path readPath, Path writePath, ChannelOptions options) {
    FifoRendezvous r = new FifoRendezvous(readPath, writePath, options);
    try {
      checkFifo(readPath);
      checkFifo(writePath);
    } catch (IOException e) {
      r.result.completeExceptionally(e);
      return r.result;
    }
    r.start();
    return r.result;
  }

  /** Throws {@link NoSuchFileException} if {@code path} is missing, {@link NotAFifoException} if it is no FIFO. */
  static void checkFifo(Path path) throws IOException {
    BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
    if (a.isRegularFile() || a.isDirectory()) {
      throw new NotAFifoException(path.toString(), a.isDirectory() ? "a directory" : "a regular file");
    }
    if (path.getFileSystem().supportedFileAttributeViews().contains("unix")) {
      int mode = (Integer) Files.getAttribute(path, "unix:mode");
      if ((mode & S_IFMT) != S_IFIFO) {
        throw new NotAFifoException(path.toString(),
            String.format(java.util.Locale.ROOT, "file type %06o", mode & S_IFMT));
      }
    }
  }

  private void start() {
    int id = IDS.incrementAndGet();
    openOnThread(readPath, true, "listenrain-fifo-open-r-" + id);
    openOnThread(writePath, false, "listenrain-fifo-open-w-" + id);
    long timeoutNanos = options.connectTimeout().toNanos();
    EventLoops.streams().next().schedule(
        () -> giveUp(new ConnectException("no peer opened the FIFO pair " + readPath + " / " + writePath + " within "
            + options.connectTimeout().toMillis() + " ms", null, true)),
        timeoutNanos, TimeUnit.NANOSECONDS);
    // A caller that cancels or completes the future gives up too.
    result.whenComplete((ch, e) -> {
      if (e != null) {
        giveUp(e);
      }
    });
  }

  private void openOnThread(Path path, boolean forRead, String name) {
    Thread t = new Thread(() -> {
      OpenOption mode = forRead ? StandardOpenOption.READ : StandardOpenOption.WRITE;
      FileChannel fc;
      try {
        fc = FileChannel.open(path, mode);
      } catch (IOException | RuntimeException e) {
        giveUp(new ConnectException("cannot open FIFO " + path + ": " + e, e, false));
        closeQuietly(takeHolder(forRead));
        return;
      }
      opened(fc, forRead);
      closeQuietly(takeHolder(forRead)); // this open has returned: a releasing opener is no longer needed
    }, name);
    t.setDaemon(true);
    t.start();
  }

  private void opened(FileChannel fc, boolean forRead) {
    FileChannel r;
    FileChannel w;
    synchronized (lock) {
      if (decided) {
        r = null;
        w = null;
      } else {
        if (forRead) {
          readEnd = fc;
        } else {
          writeEnd = fc;
        }
        if (readEnd == null || writeEnd == null) {
          return;
        }
        decided = true;
        r = readEnd;
        w = writeEnd;
      }
    }
    if (r == null) {
      closeQuietly(fc); // gave up already
      return;
    }
    String name = "fifo[" + readPath + " <- | -> " + writePath + "]";
    StreamChannel ch = new StreamChannel(java.nio.channels.Channels.newInputStream(r),
        java.nio.channels.Channels.newOutputStream(w), EventLoops.streams().next(), options, "fifo", name);
    if (!result.complete(ch)) {
      ch.abort(new ChannelClosedException("FIFO open cancelled")); // closes both ends
    }
  }

  private void giveUp(Throwable cause) {
    boolean releaseRead;
    boolean releaseWrite;
    FileChannel r;
    FileChannel w;
    synchronized (lock) {
      if (decided) {
        return;
      }
      decided = true;
      releaseRead = readEnd == null;
      releaseWrite = writeEnd == null;
      r = readEnd;
      w = writeEnd;
    }
    result.completeExceptionally(cause);
    closeQuietly(r);
    closeQuietly(w);
    // Release the opens still blocked in the kernel (or about to block: the thread may not have reached open(2)
    // yet), each then sees `decided` and closes what it got. The releasing opener stays open until that open has
    // returned, so an open that starts late finds it too.
    if (releaseRead) {
      hold(true, release(readPath));
    }
    if (releaseWrite) {
      hold(false, release(writePath));
    }
  }

  /** A read-write open of {@code fifo}, which satisfies a pending open of either direction; null if it failed. */
  private static FileChannel release(Path fifo) {
    try {
      return FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException | RuntimeException ignored) {
      return null; // the FIFO is gone or the open failed already; nothing is blocked on it then
    }
  }

  /** Keeps {@code holder} until the open of that direction has returned (closes it at once if it has already). */
  private void hold(boolean forRead, FileChannel holder) {
    synchronized (lock) {
      boolean returned = forRead ? readReturned : writeReturned;
      if (!returned) {
        if (forRead) {
          readHolder = holder;
        } else {
          writeHolder = holder;
        }
        return;
      }
    }
    closeQuietly(holder);
  }

  /** Marks the open of that direction returned and hands over its releasing opener, if any. */
  private FileChannel takeHolder(boolean forRead) {
    synchronized (lock) {
      FileChannel h;
      if (forRead) {
        readReturned = true;
        h = readHolder;
        readHolder = null;
      } else {
        writeReturned = true;
        h = writeHolder;
        writeHolder = null;
      }
      return h;
    }
  }

  private static void closeQuietly(FileChannel c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException ignored) {
      // Closing is best effort.
    }
  }

  /** Creates a FIFO at {@code path} with mode 0600 by running {@code mkfifo}: the JDK has no mkfifo call. */
  static void create(Path path) throws IOException {
    Process p = new ProcessBuilder("mkfifo", "-m", "600", path.toString()).redirectErrorStream(true).start();
    String output;
    try (java.io.InputStream out = p.getInputStream()) {
      output = new String(out.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    }
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("mkfifo " + path + " did not finish");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new java.io.InterruptedIOException("interrupted while creating FIFO " + path);
    }
    if (p.exitValue() != 0) {
      throw new IOException("mkfifo " + path + " failed (exit " + p.exitValue() + "): " + output);
    }
  }
}
