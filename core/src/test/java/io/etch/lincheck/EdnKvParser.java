package io.etch.lincheck;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a kv history of EDN-like maps, one per line — {@code {:process 3, :type :invoke, :f
 * :append, :key "4", :value "x 3 1 y"}} — into a {@link KvModel} history.
 *
 * <p>Times are line positions. {@code :ok} completes the process's pending operation (a get's
 * output is the {@code :value} of its ok line); {@code :fail} means it did not apply and drops it;
 * {@code :info}, or no completion before the end, leaves the outcome unknown.
 *
 * <p>The reader understands the subset of EDN these lines use: one flat map of keywords to
 * keywords, strings (with backslash escapes), integers and {@code nil}; commas are whitespace.
 */
public final class EdnKvParser {

  private EdnKvParser() {}

  /** Parses the lines of {@code file}; errors name the file and the 1-based line. */
  public static List<Operation<KvModel.Op, String>> parse(Path file, List<String> lines)
      throws HistoryFormatException {
    List<Operation<KvModel.Op, String>> history = new ArrayList<>();
    PendingInvocations<KvModel.Op> pending = new PendingInvocations<>(file);
    for (int i = 0; i < lines.size(); i++) {
      int lineNumber = i + 1;
      if (lines.get(i).isBlank()) {
        continue;
      }
      Map<String, Edn> map = new MapReader(file, lineNumber, lines.get(i)).readMap();
      int process = (int) integer(file, lineNumber, map, "process");
      String type = keyword(file, lineNumber, map, "type");
      String f = keyword(file, lineNumber, map, "f");
      String key = keyText(file, lineNumber, map);
      Edn value = map.get("value");
      if (value == null) {
        throw new HistoryFormatException(file, lineNumber, "missing :value");
      }
      switch (type) {
        case "invoke" -> {
          KvModel.Op input =
              switch (f) {
                case "get" -> KvModel.Op.get(key);
                case "put" -> KvModel.Op.put(key, string(file, lineNumber, value));
                case "append" -> KvModel.Op.append(key, string(file, lineNumber, value));
                default ->
                    throw new HistoryFormatException(
                        file, lineNumber, "unknown :f :" + f + " (expected :get, :put or :append)");
              };
          pending.invoke(process, input, i, lineNumber);
        }
        case "ok", "fail", "info" -> {
          PendingInvocations.Pending<KvModel.Op> p = pending.complete(process, lineNumber);
          String invoked = p.input().kind().name().toLowerCase(java.util.Locale.ROOT);
          if (!invoked.equals(f) || !p.input().key().equals(key)) {
            throw new HistoryFormatException(
                file,
                lineNumber,
                "process "
                    + process
                    + " completes :"
                    + f
                    + " of key "
                    + key
                    + " but invoked :"
                    + invoked
                    + " of key "
                    + p.input().key()
                    + " on line "
                    + p.lineNumber());
          }
          switch (type) {
            case "ok" -> {
              String output =
                  p.input().kind() == KvModel.Kind.GET ? string(file, lineNumber, value) : "";
              history.add(Operation.completed(process, p.input(), output, p.callTime(), i));
            }
            case "info" -> history.add(Operation.unknown(process, p.input(), p.callTime()));
            default -> {
              // :fail: it did not take effect, so it constrains nothing.
            }
          }
        }
        default ->
            throw new HistoryFormatException(
                file,
                lineNumber,
                "unknown :type :" + type + " (expected :invoke, :ok, :fail or :info)");
      }
    }
    pending.addStillOpen(history);
    return history;
  }

  private static long integer(Path file, int lineNumber, Map<String, Edn> map, String name)
      throws HistoryFormatException {
    Edn v = map.get(name);
    if (v == null || v.type() != EdnType.INTEGER) {
      throw new HistoryFormatException(file, lineNumber, ":" + name + " must be an integer");
    }
    long n = v.number();
    if (n < 0 || n > Integer.MAX_VALUE) {
      throw new HistoryFormatException(file, lineNumber, ":" + name + " out of range: " + n);
    }
    return n;
  }

  private static String keyword(Path file, int lineNumber, Map<String, Edn> map, String name)
      throws HistoryFormatException {
    Edn v = map.get(name);
    if (v == null || v.type() != EdnType.KEYWORD) {
      throw new HistoryFormatException(file, lineNumber, ":" + name + " must be a keyword");
    }
    return v.text();
  }

  private static String keyText(Path file, int lineNumber, Map<String, Edn> map)
      throws HistoryFormatException {
    Edn v = map.get("key");
    if (v == null || (v.type() != EdnType.STRING && v.type() != EdnType.INTEGER)) {
      throw new HistoryFormatException(file, lineNumber, ":key must be a string or an integer");
    }
    return v.text();
  }

  private static String string(Path file, int lineNumber, Edn value) throws HistoryFormatException {
    if (value.type() != EdnType.STRING) {
      throw new HistoryFormatException(
          file, lineNumber, ":value must be a string here, got " + value.text());
    }
    return value.text();
  }

  private enum EdnType {
    KEYWORD,
    STRING,
    INTEGER,
    NIL
  }

  /** One EDN scalar: a keyword's name, a string's content, an integer's digits, or nil. */
  private record Edn(EdnType type, String text, long number) {
    static Edn of(EdnType type, String text) {
      return new Edn(type, text, 0);
    }
  }

  /** A cursor over one line holding one flat EDN map. */
  private static final class MapReader {
    private final Path file;
    private final int lineNumber;
    private final String text;
    private int pos;

    MapReader(Path file, int lineNumber, String text) {
      this.file = file;
      this.lineNumber = lineNumber;
      this.text = text;
    }

    Map<String, Edn> readMap() throws HistoryFormatException {
      skipSpace();
      expect('{');
      Map<String, Edn> map = new LinkedHashMap<>();
      while (true) {
        skipSpace();
        if (peek() == '}') {
          pos++;
          break;
        }
        Edn key = readValue();
        if (key.type() != EdnType.KEYWORD) {
          throw error("map keys must be keywords");
        }
        skipSpace();
        Edn value = readValue();
        if (map.put(key.text(), value) != null) {
          throw error("duplicate key :" + key.text());
        }
      }
      skipSpace();
      if (pos != text.length()) {
        throw error("unexpected text after the map");
      }
      return map;
    }

    private Edn readValue() throws HistoryFormatException {
      char c = peek();
      if (c == ':') {
        pos++;
        return Edn.of(EdnType.KEYWORD, readSymbol());
      }
      if (c == '"') {
        return Edn.of(EdnType.STRING, readString());
      }
      if (c == '-' || Character.isDigit(c)) {
        String digits = readSymbol();
        try {
          return new Edn(EdnType.INTEGER, digits, Long.parseLong(digits));
        } catch (NumberFormatException e) {
          throw error("not an integer: " + digits);
        }
      }
      String symbol = readSymbol();
      if (symbol.equals("nil")) {
        return Edn.of(EdnType.NIL, "nil");
      }
      throw error("unsupported value '" + (symbol.isEmpty() ? String.valueOf(c) : symbol) + "'");
    }

    private String readSymbol() {
      int start = pos;
      while (pos < text.length()) {
        char c = text.charAt(pos);
        if (Character.isWhitespace(c) || c == ',' || c == '}' || c == '{' || c == '"') {
          break;
        }
        pos++;
      }
      return text.substring(start, pos);
    }

    private String readString() throws HistoryFormatException {
      expect('"');
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (pos >= text.length()) {
          throw error("unterminated string");
        }
        char c = text.charAt(pos++);
        if (c == '"') {
          return sb.toString();
        }
        if (c == '\\') {
          if (pos >= text.length()) {
            throw error("unterminated string");
          }
          char e = text.charAt(pos++);
          switch (e) {
            case 'n' -> sb.append('\n');
            case 't' -> sb.append('\t');
            case 'r' -> sb.append('\r');
            case '"', '\\' -> sb.append(e);
            default -> throw error("unsupported escape \\" + e);
          }
        } else {
          sb.append(c);
        }
      }
    }

    private void skipSpace() {
      while (pos < text.length()
          && (Character.isWhitespace(text.charAt(pos)) || text.charAt(pos) == ',')) {
        pos++;
      }
    }

    private char peek() throws HistoryFormatException {
      if (pos >= text.length()) {
        throw error("unexpected end of line");
      }
      return text.charAt(pos);
    }

    private void expect(char c) throws HistoryFormatException {
      if (peek() != c) {
        throw error("expected '" + c + "' at column " + (pos + 1));
      }
      pos++;
    }

    private HistoryFormatException error(String reason) {
      return new HistoryFormatException(file, lineNumber, reason);
    }
  }
}
