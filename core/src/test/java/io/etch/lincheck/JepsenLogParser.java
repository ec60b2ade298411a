package io.etch.lincheck;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Jepsen etcd register log ({@code INFO jepsen.util - PROC<TAB>TYPE<TAB>F<TAB>VALUE}) into
 * a {@link RegisterModel} history.
 *
 * <p>Times are line positions. {@code :ok} completes the process's pending operation; {@code :fail}
 * means it did not apply, so a failed CAS is kept as a failed CAS and a failed write or read is
 * dropped (a failed or timed-out read has no effect); {@code :info} leaves the outcome unknown, as
 * does an invocation with no completion before the end of the log.
 */
public final class JepsenLogParser {

  private static final Pattern LINE =
      Pattern.compile("^INFO\\s+jepsen\\.util\\s+-\\s+(\\d+)\\s+:(\\w+)\\s+:(\\w+)\\s+(.*?)\\s*$");
  private static final Pattern CAS_ARGS = Pattern.compile("^\\[\\s*(-?\\d+)\\s+(-?\\d+)\\s*\\]$");

  private JepsenLogParser() {}

  /** Parses the lines of {@code file}; errors name the file and the 1-based line. */
  public static List<Operation<RegisterModel.Op, RegisterModel.Result>> parse(
      Path file, List<String> lines) throws HistoryFormatException {
    List<Operation<RegisterModel.Op, RegisterModel.Result>> history = new ArrayList<>();
    PendingInvocations<RegisterModel.Op> pending = new PendingInvocations<>(file);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int lineNumber = i + 1;
      if (line.isBlank()) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new HistoryFormatException(
            file, lineNumber, "not a Jepsen log line (INFO jepsen.util - PROC TYPE F VALUE)");
      }
      int process = parseInt(file, lineNumber, m.group(1), "process");
      String type = m.group(2);
      String f = m.group(3);
      String value = m.group(4);
      switch (type) {
        case "invoke" -> {
          pending.invoke(process, parseInput(file, lineNumber, f, value), i, lineNumber);
        }
        case "ok", "fail", "info" -> {
          PendingInvocations.Pending<RegisterModel.Op> p = pending.complete(process, lineNumber);
          RegisterModel.Op input = p.input();
          if (!input.kind().name().toLowerCase(java.util.Locale.ROOT).equals(f)) {
            throw new HistoryFormatException(
                file,
                lineNumber,
                "process "
                    + process
                    + " completes :"
                    + f
                    + " but invoked a "
                    + input.kind()
                    + " on line "
                    + p.lineNumber());
          }
          switch (type) {
            case "ok" ->
                history.add(
                    Operation.completed(
                        process, input, okOutput(file, lineNumber, input, value), p.callTime(), i));
            case "fail" -> {
              if (input.kind() == RegisterModel.Kind.CAS) {
                history.add(
                    Operation.completed(
                        process, input, RegisterModel.Result.failed(), p.callTime(), i));
              }
            }
            default -> history.add(Operation.unknown(process, input, p.callTime()));
          }
        }
        default ->
            throw new HistoryFormatException(
                file,
                lineNumber,
                "unknown type :" + type + " (expected :invoke, :ok, :fail or :info)");
      }
    }
    pending.addStillOpen(history);
    return history;
  }

  private static RegisterModel.Op parseInput(Path file, int lineNumber, String f, String value)
      throws HistoryFormatException {
    switch (f) {
      case "read":
        return RegisterModel.Op.read();
      case "write":
        return RegisterModel.Op.write(parseLong(file, lineNumber, value, "written value"));
      case "cas":
        Matcher m = CAS_ARGS.matcher(value);
        if (!m.matches()) {
          throw new HistoryFormatException(
              file, lineNumber, "a cas needs [EXPECTED NEW], got '" + value + "'");
        }
        return RegisterModel.Op.cas(
            parseLong(file, lineNumber, m.group(1), "expected value"),
            parseLong(file, lineNumber, m.group(2), "new value"));
      default:
        throw new HistoryFormatException(
            file, lineNumber, "unknown operation :" + f + " (expected :read, :write or :cas)");
    }
  }

  private static RegisterModel.Result okOutput(
      Path file, int lineNumber, RegisterModel.Op input, String value)
      throws HistoryFormatException {
    if (input.kind() == RegisterModel.Kind.READ) {
      return RegisterModel.Result.read(
          value.equals("nil") ? null : parseLong(file, lineNumber, value, "value read"));
    }
    return RegisterModel.Result.done();
  }

  private static long parseLong(Path file, int lineNumber, String text, String what)
      throws HistoryFormatException {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new HistoryFormatException(
          file, lineNumber, what + " must be an integer, got '" + text + "'");
    }
  }

  private static int parseInt(Path file, int lineNumber, String text, String what)
      throws HistoryFormatException {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new HistoryFormatException(
          file, lineNumber, what + " must be an int, got '" + text + "'");
    }
  }
}
