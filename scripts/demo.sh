#!/usr/bin/env bash
# Builds what the demo needs with the Maven wrapper and runs it. Needs only a JDK 17+.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B -q -ntp -DskipTests -pl examples -am package

# The flags chronicle-bytes and Agrona need (README, "JVM flags"); JDK 24+ also wants native access.
flags=(
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED
)
major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "${major%%.*}" -ge 24 ] 2>/dev/null; then
  flags+=(--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED)
fi

cp="examples/target/classes:$(cat examples/target/classpath.txt)"
exec java "${flags[@]}" -Dorg.slf4j.simpleLogger.log.net.openhft=warn -cp "$cp" io.etch.examples.Demo "$@"
