package io.etch.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.ByteSequence;
import io.etch.InvalidArgumentException;
import io.etch.KeyRange;
import io.etch.kv.Header;
import io.etch.kv.KeyValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WatchApiTest {
  private static final ByteSequence K = ByteSequence.from("k");
  private static final Header H = new Header(1, 2, 10, 3);

  @Test
  void validOptions() {
    WatchOption d = WatchOption.DEFAULT;
    assertEquals(0, d.startRevision());
    assertEquals(KeyRange.single(K), d.range(K));
    WatchOption o =
        WatchOption.builder()
            .isPrefix(true)
            .withRevision(5)
            .withNoDelete(true)
            .withPrevKV(true)
            .withProgressNotify(true)
            .build();
    assertEquals(KeyRange.prefix(K), o.range(K));
    assertEquals(5, o.startRevision());
    assertTrue(o.isNoDelete() && o.isPrevKv() && o.isProgressNotify());
    assertFalse(o.isNoPut());
    assertEquals(
        KeyRange.all(), WatchOption.builder().withFromKey(true).build().range(ByteSequence.EMPTY));
    assertEquals(
        new KeyRange(K, ByteSequence.from("z")),
        WatchOption.builder().withRange(ByteSequence.from("z")).build().range(K));
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        Arguments.of(
            "negative start",
            (Executable) () -> WatchOption.builder().withRevision(-1).build(),
            "startRevision",
            "startRevision must be >= 0 (0 means from now), got -1"),
        Arguments.of(
            "noPut and noDelete",
            (Executable) () -> WatchOption.builder().withNoPut(true).withNoDelete(true).build(),
            "noDelete",
            "noPut and noDelete conflict"),
        Arguments.of(
            "prefix and endKey",
            (Executable) () -> WatchOption.builder().isPrefix(true).withRange(K).build(),
            "prefix",
            "prefix and endKey are mutually exclusive"),
        Arguments.of(
            "fromKey and endKey",
            (Executable) () -> WatchOption.builder().withFromKey(true).withRange(K).build(),
            "fromKey",
            "fromKey and endKey are mutually exclusive"),
        Arguments.of(
            "prefix and fromKey",
            (Executable) () -> WatchOption.builder().withFromKey(true).isPrefix(true).build(),
            "fromKey",
            "prefix and fromKey are mutually exclusive"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejected")
  void rejectedOptionsNameTheConflict(String name, Executable build, String argument, String part) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, build);
    assertEquals(argument, e.argument(), name);
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  @Test
  void responsesAreOneOfThreeKinds() {
    KeyValue kv = new KeyValue(K, ByteSequence.from("v"), 4, 10, 2, 0);
    WatchEvent put = new WatchEvent(WatchEvent.EventType.PUT, kv, Optional.empty());
    assertEquals(WatchResponse.Kind.CREATED, WatchResponse.created(H).kind());
    assertTrue(WatchResponse.progress(H).isProgressNotify());
    WatchResponse events = WatchResponse.events(H, List.of(put));
    assertEquals(List.of(put), events.events());
    assertFalse(events.isProgressNotify());
    assertThrows(IllegalArgumentException.class, () -> WatchResponse.events(H, List.of()));
    assertThrows(
        IllegalArgumentException.class,
        () -> new WatchResponse(H, WatchResponse.Kind.PROGRESS, List.of(put)));
  }

  @Test
  void listenerShortcutForwardsResponses() {
    List<WatchResponse> seen = new ArrayList<>();
    Watch.Listener listener = Watch.listener(seen::add);
    listener.onNext(WatchResponse.created(H));
    listener.onCompleted();
    listener.onError(new IllegalStateException("ignored"));
    assertEquals(List.of(WatchResponse.created(H)), seen);
  }
}
