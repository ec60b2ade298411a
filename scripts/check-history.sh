#!/usr/bin/env bash
# Checks recorded histories for linearizability. Usage: scripts/check-history.sh [--verbose]
# [--timeout-seconds N] FILE...
# Prints one line per file on stdout: FILE<TAB>true | false | unknown | error<TAB>REASON.
# Exit status: 0 every file decided, 2 some file unknown (time budget), 3 some file unreadable.
# Reads Jepsen etcd register logs and EDN-like kv histories (see docs/linearizability.md).
# Needs only a JDK 17+: builds the checker (core's test classes) with the Maven wrapper if needed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
classes="$root/core/target/test-classes"
main_class="$classes/io/etch/lincheck/CheckHistoryMain.class"
sources="$root/core/src/test/java/io/etch/lincheck"

# Rebuild unless the compiled checker is newer than every checker source (the checker uses only
# the JDK, so its own sources are all it depends on). Build output goes to stderr: stdout carries
# only the verdict lines.
if [ ! -f "$main_class" ] || [ -n "$(find "$sources" -name '*.java' -newer "$main_class" -print -quit)" ]; then
  (cd "$root" && ./mvnw -B -q -ntp -pl core -am test-compile -DskipTests) >&2
fi

# FILE arguments stay relative to the caller's working directory: no cd before java.
java="java"
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  java="$JAVA_HOME/bin/java"
fi
exec "$java" -cp "$classes" io.etch.lincheck.CheckHistoryMain "$@"
