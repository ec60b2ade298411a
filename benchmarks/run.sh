#!/usr/bin/env bash
# The short benchmark profile: builds the benchmarks jar (and the modules it needs), then runs the
# physical baselines (fsync-seq, fsync-batch, netty-rtt) and the whole-node cases (put, gets,
# txn-cas on 1 and 3 members) each in a forked JVM; prints one table and writes
# benchmarks/target/results.tsv. About 5 minutes on 2 quiet cores.
#
#   benchmarks/run.sh                      # everything
#   benchmarks/run.sh put,fsync-batch      # only these cases
#   ETCH_BENCH_OPTS=-Djmh.ignoreLock=true benchmarks/run.sh   # extra JVM options (forks inherit)
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -ntp -pl benchmarks -am -DskipTests package

# The JVM flags chronicle/Agrona need (etch.jvm.flags in the root pom), plus the JDK 24+ extras.
FLAGS="--add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED"
JAVA_MAJOR=$(java -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
if [ "${JAVA_MAJOR%%.*}" -ge 24 ]; then
  FLAGS="$FLAGS --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
fi

# A fixed, pre-touched heap: a heap growing during a 3 s iteration makes young collections fault in
# fresh pages (GC pauses of 0.3-0.7 s, mostly system time, in 3-member put at 64 in flight). 4 GiB:
# the put cases never compact, so by the end of 3-member put at 512 in flight the three stores hold
# ~1.1M versions each (over 1 GiB live); in a 2 GiB heap the old generation then fills again and
# again (GC 10% of the wall time, against ~5% in 4 GiB). ETCH_BENCH_HEAP overrides it.
HEAP=${ETCH_BENCH_HEAP:-4g}
# -XX:MaxTenuringThreshold=0: what survives a young collection in a put benchmark is nearly all
# retained history (every version is kept), so it is promoted at once instead of being copied
# between survivor spaces first; that copying was most of the GC time (3-member put at 512 in
# flight: GC 7.8% of the wall time with the default, 3.9% with 0).
# shellcheck disable=SC2086 # FLAGS and ETCH_BENCH_OPTS are lists of flags
exec java $FLAGS ${ETCH_BENCH_OPTS:-} -Xms$HEAP -Xmx$HEAP -XX:+AlwaysPreTouch -XX:+UseParallelGC -XX:MaxTenuringThreshold=0 -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp benchmarks/target/benchmarks.jar io.etch.benchmarks.node.NodeBenchMain benchmarks/target "$@"
