package io.etch.lincheck;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A map of string keys to string values with get, put and append — the model of the kv fixture
 * histories. Every key starts as the empty string; keys are independent, so the history is
 * partitioned by key.
 *
 * <p>The output of an operation is a string: for a get, the value it returned; for a put or an
 * append, anything non-null (the fixtures echo the argument). {@code null} means unknown.
 */
public final class KvModel implements Model<KvModel.State, KvModel.Op, String> {

  /** What an operation does. */
  public enum Kind {
    GET,
    PUT,
    APPEND
  }

  /** An operation's input; {@code value} is unused for a get. */
  public record Op(Kind kind, String key, String value) {
    public Op {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(key, "key");
      if (kind != Kind.GET) {
        Objects.requireNonNull(value, "value of a " + kind);
      }
    }

    public static Op get(String key) {
      return new Op(Kind.GET, key, null);
    }

    public static Op put(String key, String value) {
      return new Op(Kind.PUT, key, value);
    }

    public static Op append(String key, String value) {
      return new Op(Kind.APPEND, key, value);
    }
  }

  /** The values of the keys written so far; an absent key holds the empty string. */
  public record State(Map<String, String> values) {
    public static final State EMPTY = new State(Map.of());

    public State {
      values = Map.copyOf(values);
    }

    String get(String key) {
      return values.getOrDefault(key, "");
    }

    State with(String key, String value) {
      Map<String, String> copy = new HashMap<>(values);
      copy.put(key, value);
      return new State(copy);
    }
  }

  @Override
  public State initialState() {
    return State.EMPTY;
  }

  @Override
  public List<State> step(State state, Op input, String output) {
    switch (input.kind()) {
      case GET:
        return output == null || output.equals(state.get(input.key())) ? List.of(state) : List.of();
      case PUT:
        return List.of(state.with(input.key(), input.value()));
      case APPEND:
        return List.of(state.with(input.key(), state.get(input.key()) + input.value()));
      default:
        throw new IllegalStateException("unhandled kind " + input.kind());
    }
  }

  @Override
  public List<Partition<Op, String>> partition(List<Operation<Op, String>> history) {
    return KeyPartitioner.byConnectedKeys(history, op -> List.of(op.key()));
  }

  @Override
  public boolean isReadOnly(Op input) {
    return input.kind() == Kind.GET;
  }

  @Override
  public String describeOperation(Op input, String output) {
    String out = output == null ? " -> unknown" : "";
    switch (input.kind()) {
      case GET:
        return "get(" + input.key() + ") -> " + (output == null ? "unknown" : '"' + output + '"');
      case PUT:
        return "put(" + input.key() + ", \"" + input.value() + "\")" + out;
      case APPEND:
        return "append(" + input.key() + ", \"" + input.value() + "\")" + out;
      default:
        throw new IllegalStateException("unhandled kind " + input.kind());
    }
  }

  @Override
  public String describeState(State state) {
    return state.values().toString();
  }
}
