package io.etch.raft.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every scenario file in {@code src/test/resources/scenarios}. With {@code
 * -Detch.raft.rewrite=true} the expected outputs are rewritten from the actual ones (then review
 * the diff).
 */
class ScenarioTest {
  private static final Path DIR = Path.of("src/test/resources/scenarios");

  static Stream<Path> scenarios() throws IOException {
    try (Stream<Path> s = Files.list(DIR)) {
      return s.filter(p -> p.toString().endsWith(".txt")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void scenario(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    boolean rewrite = Boolean.getBoolean("etch.raft.rewrite");
    ScenarioInterpreter interp = new ScenarioInterpreter();
    List<String> rewritten = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        rewritten.add(line);
        i++;
        continue;
      }
      int cmdLine = i + 1;
      String command = line;
      i++;
      if (i >= lines.size() || !lines.get(i).equals("----")) {
        throw new IllegalArgumentException(
            file + ":" + cmdLine + ": expected ---- after command '" + command + "'");
      }
      i++;
      List<String> expected = new ArrayList<>();
      while (i < lines.size() && !lines.get(i).isBlank()) {
        expected.add(lines.get(i));
        i++;
      }
      String actual = interp.run(command.replaceAll("\\s+#.*$", ""));
      rewritten.add(command);
      rewritten.add("----");
      rewritten.add(actual);
      if (!rewrite) {
        assertEquals(
            String.join("\n", expected),
            actual,
            file.getFileName() + ":" + cmdLine + ": " + command);
      }
    }
    if (rewrite) {
      Files.write(file, rewritten, StandardCharsets.UTF_8);
    }
  }
}
