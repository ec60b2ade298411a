package io.etch.lincheck;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.CharacterCodingException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line behind {@code scripts/check-history.sh}: checks each history file given and
 * prints one line per file on standard output, {@code FILE<TAB>true} (linearizable), {@code
 * FILE<TAB>false}, {@code FILE<TAB>unknown} (the time budget ran out) or {@code
 * FILE<TAB>error<TAB>REASON} (unreadable or malformed; the reason names the line).
 *
 * <p>Options: {@code --timeout-seconds N} (budget per file, default 60), {@code --verbose}
 * (per-file details and timings on standard error: the failing partition and the longest
 * linearizable prefix for a violation).
 *
 * <p>Exit status: 0 when every file got a definite verdict (true or false), 2 if some file is
 * unknown, 3 if some file could not be read or parsed, 64 for a usage error.
 */
public final class CheckHistoryMain {

  static final int EXIT_OK = 0;
  static final int EXIT_UNKNOWN = 2;
  static final int EXIT_ERROR = 3;
  static final int EXIT_USAGE = 64;

  private static final String USAGE =
      "usage: check-history.sh [--timeout-seconds N] [--verbose] FILE...";

  private CheckHistoryMain() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command; returns the exit status. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Duration budget = Duration.ofSeconds(60);
    boolean verbose = false;
    List<String> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--timeout-seconds" -> {
          if (i + 1 >= args.length) {
            err.println("--timeout-seconds needs a value\n" + USAGE);
            return EXIT_USAGE;
          }
          try {
            long seconds = Long.parseLong(args[++i]);
            if (seconds <= 0) {
              throw new NumberFormatException("not positive");
            }
            budget = Duration.ofSeconds(seconds);
          } catch (NumberFormatException e) {
            err.println("--timeout-seconds must be a positive integer, got " + args[i]);
            return EXIT_USAGE;
          }
        }
        case "--verbose", "-v" -> verbose = true;
        case "--help", "-h" -> {
          out.println(USAGE);
          return EXIT_OK;
        }
        default -> files.add(args[i]);
      }
    }
    if (files.isEmpty()) {
      err.println(USAGE);
      return EXIT_USAGE;
    }

    LinearizabilityChecker checker = LinearizabilityChecker.withTimeBudget(budget);
    int status = EXIT_OK;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long totalNs = 0;
    long totalCpuNs = 0;
    String slowest = null;
    long slowestNs = -1;
    for (String name : files) {
      try {
        long cpuBeforeNs = threads.getCurrentThreadCpuTime();
        CheckResult result = HistoryFormat.checkFile(Path.of(name), checker);
        long cpuNs = threads.getCurrentThreadCpuTime() - cpuBeforeNs;
        totalCpuNs += cpuNs;
        switch (result.verdict()) {
          case LINEARIZABLE -> out.println(name + "\ttrue");
          case NOT_LINEARIZABLE -> out.println(name + "\tfalse");
          case UNKNOWN -> {
            out.println(name + "\tunknown");
            status = Math.max(status, EXIT_UNKNOWN);
          }
          default -> throw new IllegalStateException("unhandled verdict " + result.verdict());
        }
        totalNs += result.elapsedNs();
        if (result.elapsedNs() > slowestNs) {
          slowestNs = result.elapsedNs();
          slowest = name;
        }
        if (verbose) {
          err.printf(
              "%s: %.1f ms (%.1f ms CPU, parsing included), %s%n",
              name, result.elapsedNs() / 1e6, cpuNs / 1e6, result.describe());
        }
      } catch (HistoryFormatException e) {
        out.println(name + "\terror\t" + e.getMessage());
        status = Math.max(status, EXIT_ERROR);
      } catch (NoSuchFileException e) {
        out.println(name + "\terror\tno such file");
        status = Math.max(status, EXIT_ERROR);
      } catch (CharacterCodingException e) {
        out.println(name + "\terror\tnot UTF-8 text");
        status = Math.max(status, EXIT_ERROR);
      } catch (IOException e) {
        out.println(name + "\terror\tcannot read: " + e);
        status = Math.max(status, EXIT_ERROR);
      }
    }
    if (verbose && slowest != null) {
      err.printf(
          "checked %d files: checker time %.1f ms total (%.1f ms CPU with parsing), slowest %s"
              + " (%.1f ms)%n",
          files.size(), totalNs / 1e6, totalCpuNs / 1e6, slowest, slowestNs / 1e6);
    }
    return status;
  }
}
