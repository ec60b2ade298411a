package io.etch.internal.raftlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.function.Executable;

/** A few fluent assertions over JUnit's (the module has no AssertJ). */
final class RaftLogAssert {
  private RaftLogAssert() {}

  static Subject assertThat(Object actual) {
    return new Subject(actual);
  }

  static Thrown assertThatThrownBy(Executable body) {
    return new Thrown(assertThrows(Throwable.class, body));
  }

  static final class Subject {
    private final Object actual;

    Subject(Object actual) {
      this.actual = actual;
    }

    Subject isEqualTo(Object expected) {
      if (actual instanceof Number a && expected instanceof Number e) {
        assertEquals(e.longValue(), a.longValue());
      } else {
        assertEquals(expected, actual);
      }
      return this;
    }

    void isTrue() {
      assertEquals(Boolean.TRUE, actual);
    }

    void isFalse() {
      assertEquals(Boolean.FALSE, actual);
    }

    void isZero() {
      isEqualTo(0L);
    }

    void isLessThanOrEqualTo(long bound) {
      assertTrue(((Number) actual).longValue() <= bound, actual + " > " + bound);
    }

    void containsExactly(Object... expected) {
      assertEquals(Arrays.asList(expected), List.copyOf((Collection<?>) actual));
    }

    void hasSize(int size) {
      assertEquals(size, ((Collection<?>) actual).size(), String.valueOf(actual));
    }

    void isEmpty() {
      hasSize(0);
    }
  }

  static final class Thrown {
    private final Throwable thrown;

    Thrown(Throwable thrown) {
      this.thrown = thrown;
    }

    Thrown isInstanceOf(Class<? extends Throwable> type) {
      assertInstanceOf(type, thrown, () -> "got " + thrown);
      return this;
    }

    Thrown hasMessageContaining(String part) {
      assertTrue(
          thrown.getMessage() != null && thrown.getMessage().contains(part),
          () -> "message of " + thrown + " lacks '" + part + "'");
      return this;
    }
  }
}
