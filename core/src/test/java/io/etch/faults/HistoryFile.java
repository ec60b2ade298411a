package io.etch.faults;

import io.etch.lincheck.EtcdKvModel;
import io.etch.lincheck.Operation;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The history a multi-process client writes, one event per line, flushed as it goes so a SIGKILL
 * loses at most the line being written:
 *
 * <pre>
 * C &lt;process&gt; &lt;opId&gt; &lt;callNs&gt; GET|PUT|CAS|DEL &lt;key&gt; &lt;value|-&gt; &lt;expected|-&gt;
 * R &lt;opId&gt; &lt;returnNs&gt; &lt;succeeded 0|1&gt; &lt;value read|-&gt; &lt;revision&gt;
 * </pre>
 *
 * Times are {@code System.nanoTime()}: on Linux HotSpot reads {@code CLOCK_MONOTONIC}, one clock
 * for every process on the host, so the files of several JVMs merge into one history. A call
 * without its return line (the process was killed, or the call failed) is an operation of unknown
 * outcome. Values never contain spaces.
 */
final class HistoryFile implements AutoCloseable {
  private final BufferedWriter out;

  HistoryFile(Path file) {
    try {
      out =
          Files.newBufferedWriter(
              file,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  synchronized void call(int process, long opId, long callNs, EtcdKvModel.Op op) {
    String kind =
        switch (op.kind()) {
          case GET -> "GET";
          case PUT -> "PUT";
          case CAS -> "CAS";
          case DELETE -> "DEL";
          case TXN -> throw new IllegalArgumentException("transactions are not recorded here");
        };
    line(
        "C "
            + process
            + " "
            + opId
            + " "
            + callNs
            + " "
            + kind
            + " "
            + op.key()
            + " "
            + orDash(op.value())
            + " "
            + orDash(op.expectedValue()));
  }

  synchronized void ret(long opId, long returnNs, boolean succeeded, String read, long revision) {
    line(
        "R "
            + opId
            + " "
            + returnNs
            + " "
            + (succeeded ? 1 : 0)
            + " "
            + orDash(read)
            + " "
            + revision);
  }

  private void line(String s) {
    try {
      out.write(s);
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }

  private static String fromDash(String s) {
    return s.equals("-") ? null : s;
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one file; a torn last line (the process was killed mid-write) is ignored. */
  static List<Operation<EtcdKvModel.Op, EtcdKvModel.Result>> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    record Call(int process, long callNs, EtcdKvModel.Op op) {}
    Map<Long, Call> open = new LinkedHashMap<>();
    List<Operation<EtcdKvModel.Op, EtcdKvModel.Result>> out = new ArrayList<>();
    for (String line : lines) {
      String[] f = line.split(" ");
      if (f[0].equals("C") && f.length == 8) {
        String key = f[5];
        EtcdKvModel.Op op =
            switch (f[4]) {
              case "GET" -> EtcdKvModel.Op.get(key);
              case "PUT" -> EtcdKvModel.Op.put(key, f[6]);
              case "CAS" -> EtcdKvModel.Op.cas(key, fromDash(f[7]), f[6]);
              case "DEL" -> EtcdKvModel.Op.delete(key);
              default -> throw new IllegalArgumentException(file + ": bad line " + line);
            };
        open.put(Long.parseLong(f[2]), new Call(Integer.parseInt(f[1]), Long.parseLong(f[3]), op));
      } else if (f[0].equals("R") && f.length == 6) {
        Call c = open.remove(Long.parseLong(f[1]));
        if (c == null) {
          throw new IllegalArgumentException(file + ": return without a call: " + line);
        }
        long returnNs = Long.parseLong(f[2]);
        boolean ok = f[3].equals("1");
        long revision = Long.parseLong(f[5]);
        EtcdKvModel.Result result =
            switch (c.op.kind()) {
              case GET -> EtcdKvModel.Result.got(fromDash(f[4]), revision);
              case PUT, DELETE -> EtcdKvModel.Result.written(revision);
              case CAS -> EtcdKvModel.Result.casResult(ok, ok ? revision : 0);
              case TXN -> throw new IllegalStateException();
            };
        out.add(Operation.completed(c.process, c.op, result, c.callNs, returnNs));
      }
    }
    for (Call c : open.values()) {
      out.add(Operation.unknown(c.process, c.op, c.callNs));
    }
    return out;
  }
}
