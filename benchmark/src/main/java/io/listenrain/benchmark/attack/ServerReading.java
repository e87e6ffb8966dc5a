package io.listenrain.benchmark.attack;

/**
 * What the attacked server process reports of itself after a full GC: heap in use, direct memory in use, resident
 * set size, and the calls its handlers have seen start and not yet end.
 */
record ServerReading(long heapBytes, long directBytes, long rssBytes, long callsStarted, long callsActive) {

  String format() {
    return "MEM " + heapBytes + " " + directBytes + " " + rssBytes + " " + callsStarted + " " + callsActive;
  }

  static ServerReading parse(String line) {
    String[] f = line.trim().split(" ");
    if (f.length != 6 || !f[0].equals("MEM")) {
      throw new IllegalArgumentException("not a server reading: " + line);
    }
    return new ServerReading(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
        Long.parseLong(f[4]), Long.parseLong(f[5]));
  }

  /** Heap plus direct memory, the bytes a peer can make the server hold. */
  long heldBytes() {
    return heapBytes + directBytes;
  }
}
