package io.etch.lincheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The history file formats the checker reads, each with its parser and model. */
public enum HistoryFormat {
  /** Jepsen etcd logs: one register with read / write / cas ({@link RegisterModel}). */
  JEPSEN_LOG {
    @Override
    CheckResult check(Path file, List<String> lines, LinearizabilityChecker checker)
        throws HistoryFormatException {
      return checker.check(new RegisterModel(), JepsenLogParser.parse(file, lines));
    }
  },
  /** EDN-like kv lines: many keys with get / put / append ({@link KvModel}). */
  KV_EDN {
    @Override
    CheckResult check(Path file, List<String> lines, LinearizabilityChecker checker)
        throws HistoryFormatException {
      return checker.check(new KvModel(), EdnKvParser.parse(file, lines));
    }
  };

  abstract CheckResult check(Path file, List<String> lines, LinearizabilityChecker checker)
      throws HistoryFormatException;

  /** Recognizes the format by the first non-blank line. */
  public static HistoryFormat detect(Path file, List<String> lines) throws HistoryFormatException {
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("{")) {
        return KV_EDN;
      }
      if (line.startsWith("INFO") && line.contains("jepsen.util")) {
        return JEPSEN_LOG;
      }
      throw new HistoryFormatException(
          file,
          i + 1,
          "unrecognized history format: expected a Jepsen log line (INFO jepsen.util - ...) or an"
              + " EDN map ({:process ...})");
    }
    throw new HistoryFormatException(file, 0, "empty file: no history to check");
  }

  /** Reads, detects, parses and checks one history file. */
  public static CheckResult checkFile(Path file, LinearizabilityChecker checker)
      throws IOException, HistoryFormatException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return detect(file, lines).check(file, lines, checker);
  }
}
