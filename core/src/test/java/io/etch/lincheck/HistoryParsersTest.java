package io.etch.lincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryParsersTest {

  private static final Path FILE = Path.of("some/history.log");

  private static String jepsen(int process, String type, String f, String value) {
    return "INFO  jepsen.util - " + process + "\t:" + type + "\t:" + f + "\t" + value;
  }

  @Test
  void jepsenLogBecomesRegisterOperations() throws Exception {
    List<Operation<RegisterModel.Op, RegisterModel.Result>> h =
        JepsenLogParser.parse(
            FILE,
            List.of(
                jepsen(0, "invoke", "write", "4"),
                jepsen(1, "invoke", "read", "nil"),
                jepsen(0, "ok", "write", "4"),
                jepsen(1, "ok", "read", "4"),
                "",
                jepsen(2, "invoke", "cas", "[4 1]"),
                jepsen(2, "fail", "cas", "[4 1]"),
                jepsen(3, "invoke", "cas", "[4 2]"),
                jepsen(3, "info", "cas", ":timed-out"),
                jepsen(4, "invoke", "read", "nil"),
                jepsen(4, "fail", "read", ":timed-out"),
                jepsen(5, "invoke", "write", "7")));
    assertEquals(
        List.of(
            Operation.completed(0, RegisterModel.Op.write(4), RegisterModel.Result.done(), 0, 2),
            Operation.completed(1, RegisterModel.Op.read(), RegisterModel.Result.read(4L), 1, 3),
            Operation.completed(2, RegisterModel.Op.cas(4, 1), RegisterModel.Result.failed(), 5, 6),
            Operation.unknown(3, RegisterModel.Op.cas(4, 2), 7),
            Operation.unknown(5, RegisterModel.Op.write(7), 11)),
        h);
  }

  private static HistoryFormatException jepsenError(String... lines) {
    return assertThrows(
        HistoryFormatException.class, () -> JepsenLogParser.parse(FILE, List.of(lines)));
  }

  @Test
  void malformedJepsenLinesNameFileAndLine() {
    HistoryFormatException e =
        jepsenError(jepsen(0, "invoke", "read", "nil"), "INFO  jepsen.util - garbage");
    assertEquals(2, e.lineNumber());
    assertEquals(FILE, e.file());
    assertTrue(
        e.getMessage().startsWith("some/history.log:2: not a Jepsen log line"), e::getMessage);

    assertEquals(
        "a cas needs [EXPECTED NEW], got '4 1'",
        jepsenError(jepsen(0, "invoke", "cas", "4 1")).reason());
    assertEquals(
        "written value must be an integer, got 'x'",
        jepsenError(jepsen(0, "invoke", "write", "x")).reason());
    assertEquals(
        "process 0 completes an operation it never invoked",
        jepsenError(jepsen(0, "ok", "read", "nil")).reason());
    assertEquals(
        "process 0 invokes while its operation of line 1 is still pending",
        jepsenError(jepsen(0, "invoke", "read", "nil"), jepsen(0, "invoke", "read", "nil"))
            .reason());
    HistoryFormatException mismatch =
        jepsenError(jepsen(0, "invoke", "read", "nil"), jepsen(0, "ok", "write", "1"));
    assertEquals(2, mismatch.lineNumber());
    assertEquals(
        "unknown type :weird (expected :invoke, :ok, :fail or :info)",
        jepsenError(jepsen(0, "weird", "read", "nil")).reason());
  }

  @Test
  void ednKvLinesBecomeKvOperations() throws Exception {
    List<Operation<KvModel.Op, String>> h =
        EdnKvParser.parse(
            FILE,
            List.of(
                "{:process 0, :type :invoke, :f :append, :key \"4\", :value \"x 0 0 y\"}",
                "{:process 1, :type :invoke, :f :get, :key \"4\", :value nil}",
                "{:process 0, :type :ok, :f :append, :key \"4\", :value \"x 0 0 y\"}",
                "{:process 1 :type :ok :f :get :key \"4\" :value \"x 0 0 y\"}",
                "{:process 2, :type :invoke, :f :put, :key 7, :value \"a \\\"q\\\" \\\\ b\"}",
                "{:process 2, :type :info, :f :put, :key 7, :value \"a \\\"q\\\" \\\\ b\"}",
                "{:process 3, :type :invoke, :f :put, :key \"1\", :value \"z\"}",
                "{:process 3, :type :fail, :f :put, :key \"1\", :value \"z\"}",
                "{:process 4, :type :invoke, :f :get, :key \"1\", :value nil}"));
    assertEquals(
        List.of(
            Operation.completed(0, KvModel.Op.append("4", "x 0 0 y"), "", 0, 2),
            Operation.completed(1, KvModel.Op.get("4"), "x 0 0 y", 1, 3),
            Operation.unknown(2, KvModel.Op.put("7", "a \"q\" \\ b"), 4),
            Operation.unknown(4, KvModel.Op.get("1"), 8)),
        h);
  }

  private static HistoryFormatException ednError(String... lines) {
    return assertThrows(
        HistoryFormatException.class, () -> EdnKvParser.parse(FILE, List.of(lines)));
  }

  @Test
  void malformedEdnLinesNameFileAndLine() {
    String ok = "{:process 0, :type :invoke, :f :get, :key \"1\", :value nil}";
    HistoryFormatException e = ednError(ok, "{:process 1, :type :invoke, :f :get, :key \"1");
    assertEquals(2, e.lineNumber());
    assertEquals("some/history.log:2: unterminated string", e.getMessage());
    assertEquals("unexpected end of line", ednError("{:process 1").reason());
    assertEquals(
        ":type must be a keyword",
        ednError("{:process 1, :type \"invoke\", :f :get, :key \"1\", :value nil}").reason());
    assertEquals(
        "missing :value", ednError("{:process 1, :type :invoke, :f :get, :key \"1\"}").reason());
    assertEquals(
        ":value must be a string here, got nil",
        ednError("{:process 1, :type :invoke, :f :put, :key \"1\", :value nil}").reason());
    assertEquals(
        "unknown :f :cas (expected :get, :put or :append)",
        ednError("{:process 1, :type :invoke, :f :cas, :key \"1\", :value nil}").reason());
    assertEquals("unexpected text after the map", ednError(ok + " x").reason());
    assertEquals(
        "duplicate key :f",
        ednError("{:process 1, :type :invoke, :f :get, :f :get, :key \"1\", :value nil}").reason());
  }

  @Test
  void formatIsDetectedFromTheFirstNonBlankLine() throws Exception {
    assertEquals(HistoryFormat.KV_EDN, HistoryFormat.detect(FILE, List.of("", "  {:process 0}")));
    assertEquals(
        HistoryFormat.JEPSEN_LOG,
        HistoryFormat.detect(FILE, List.of(jepsen(0, "invoke", "read", "nil"))));
    HistoryFormatException unknown =
        assertThrows(
            HistoryFormatException.class, () -> HistoryFormat.detect(FILE, List.of("", "hello")));
    assertEquals(2, unknown.lineNumber());
    assertTrue(unknown.reason().startsWith("unrecognized history format"), unknown::reason);
    assertEquals(
        "empty file: no history to check",
        assertThrows(HistoryFormatException.class, () -> HistoryFormat.detect(FILE, List.of(" ")))
            .reason());
  }
}
