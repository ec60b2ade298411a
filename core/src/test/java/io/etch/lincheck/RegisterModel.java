package io.etch.lincheck;

import java.util.List;
import java.util.Objects;

/**
 * One register holding a number or nothing, with read, write and compare-and-set — the model of the
 * Jepsen etcd histories. It starts with no value.
 */
public final class RegisterModel
    implements Model<RegisterModel.Value, RegisterModel.Op, RegisterModel.Result> {

  /** What an operation does. */
  public enum Kind {
    READ,
    WRITE,
    CAS
  }

  /**
   * An operation's input.
   *
   * @param argument the value written, or the value a CAS expects
   * @param update the value a CAS sets (unused otherwise)
   */
  public record Op(Kind kind, long argument, long update) {
    public Op {
      Objects.requireNonNull(kind, "kind");
    }

    public static Op read() {
      return new Op(Kind.READ, 0, 0);
    }

    public static Op write(long value) {
      return new Op(Kind.WRITE, value, 0);
    }

    public static Op cas(long expected, long update) {
      return new Op(Kind.CAS, expected, update);
    }
  }

  /**
   * An operation's output.
   *
   * @param ok for a CAS, whether it applied; true for reads and writes
   * @param value for a read, the value seen, {@code null} for "no value"
   */
  public record Result(boolean ok, Long value) {
    public static Result read(Long valueOrNull) {
      return new Result(true, valueOrNull);
    }

    public static Result done() {
      return new Result(true, null);
    }

    public static Result failed() {
      return new Result(false, null);
    }
  }

  /** The register's content. */
  public record Value(boolean present, long value) {
    public static final Value NONE = new Value(false, 0);

    public static Value of(long value) {
      return new Value(true, value);
    }

    @Override
    public String toString() {
      return present ? Long.toString(value) : "nil";
    }
  }

  @Override
  public Value initialState() {
    return Value.NONE;
  }

  @Override
  public List<Value> step(Value state, Op input, Result output) {
    switch (input.kind()) {
      case READ:
        if (output == null) {
          return List.of(state);
        }
        boolean seen =
            output.value() == null
                ? !state.present()
                : state.present() && state.value() == output.value();
        return seen ? List.of(state) : List.of();
      case WRITE:
        return List.of(Value.of(input.argument()));
      case CAS:
        boolean matches = state.present() && state.value() == input.argument();
        if (output != null && output.ok() != matches) {
          return List.of();
        }
        return List.of(matches ? Value.of(input.update()) : state);
      default:
        throw new IllegalStateException("unhandled kind " + input.kind());
    }
  }

  @Override
  public boolean isReadOnly(Op input) {
    return input.kind() == Kind.READ;
  }

  @Override
  public String describeOperation(Op input, Result output) {
    switch (input.kind()) {
      case READ:
        return "read() -> "
            + (output == null ? "unknown" : output.value() == null ? "nil" : output.value());
      case WRITE:
        return "write(" + input.argument() + ")" + (output == null ? " -> unknown" : "");
      case CAS:
        return "cas("
            + input.argument()
            + ", "
            + input.update()
            + ") -> "
            + (output == null ? "unknown" : output.ok() ? "ok" : "fail");
      default:
        throw new IllegalStateException("unhandled kind " + input.kind());
    }
  }
}
