package io.etch.lincheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etch.lincheck.EtcdKvModel.Compare;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random histories, checked two ways that must agree: the Wing–Gong–Lowe search against a
 * brute-force enumeration of every real-time-respecting order (tiny histories), and partitioned
 * against unpartitioned checking (transactions over a few keys). A failure prints the seed and the
 * command that replays it.
 */
class CheckerCrossCheckTest {

  private static final long BASE_SEED = Long.getLong("etch.lincheck.seed", 20261121L);
  private static final int RUNS = Integer.getInteger("etch.lincheck.runs", 1500);

  private final LinearizabilityChecker checker = LinearizabilityChecker.unbounded();

  private static String replay(long seed) {
    return "seed "
        + seed
        + "; replay: ./mvnw -B -ntp -pl core -am test -Dtest=CheckerCrossCheckTest"
        + " -Dsurefire.failIfNoSpecifiedTests=false -Detch.lincheck.seed="
        + seed
        + " -Detch.lincheck.runs=1";
  }

  /** Random intervals over [0, 20): overlapping often; about one in five outcomes unknown. */
  private static <I, O> Operation<I, O> randomOp(Random r, int process, I input, O output) {
    long call = r.nextInt(20);
    if (r.nextInt(5) == 0) {
      return Operation.unknown(process, input, call);
    }
    return Operation.completed(process, input, output, call, call + 1 + r.nextInt(6));
  }

  private static List<Operation<RegisterModel.Op, RegisterModel.Result>> randomRegisterHistory(
      Random r) {
    int n = 1 + r.nextInt(6);
    List<Operation<RegisterModel.Op, RegisterModel.Result>> h = new ArrayList<>();
    for (int p = 0; p < n; p++) {
      switch (r.nextInt(3)) {
        case 0 -> {
          int seen = r.nextInt(4); // 3 means nil
          h.add(
              randomOp(
                  r,
                  p,
                  RegisterModel.Op.read(),
                  RegisterModel.Result.read(seen == 3 ? null : (long) seen)));
        }
        case 1 ->
            h.add(
                randomOp(r, p, RegisterModel.Op.write(r.nextInt(3)), RegisterModel.Result.done()));
        default ->
            h.add(
                randomOp(
                    r,
                    p,
                    RegisterModel.Op.cas(r.nextInt(3), r.nextInt(3)),
                    r.nextBoolean() ? RegisterModel.Result.done() : RegisterModel.Result.failed()));
      }
    }
    return h;
  }

  @Test
  void wglAgreesWithBruteForceOnRandomTinyRegisterHistories() {
    RegisterModel model = new RegisterModel();
    int[] verdicts = new int[2];
    for (int run = 0; run < RUNS; run++) {
      long seed = BASE_SEED + run;
      List<Operation<RegisterModel.Op, RegisterModel.Result>> h =
          randomRegisterHistory(new Random(seed));
      boolean expected = BruteForce.linearizable(model, h);
      Verdict actual = checker.check(model, h).verdict();
      assertEquals(
          expected ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE,
          actual,
          () -> replay(seed) + "; history " + h);
      verdicts[expected ? 1 : 0]++;
    }
    if (RUNS >= 100) {
      assertTrue(
          verdicts[0] > RUNS / 10 && verdicts[1] > RUNS / 10,
          "both verdicts well represented: " + verdicts[0] + " / " + verdicts[1]);
    }
  }

  /** Delegates everything but partitioning: checks the whole history as one part. */
  private record Unpartitioned<S, I, O>(Model<S, I, O> model) implements Model<S, I, O> {
    @Override
    public S initialState() {
      return model.initialState();
    }

    @Override
    public List<S> step(S state, I input, O output) {
      return model.step(state, input, output);
    }

    @Override
    public boolean isReadOnly(I input) {
      return model.isReadOnly(input);
    }

    @Override
    public String describeOperation(I input, O output) {
      return model.describeOperation(input, output);
    }
  }

  private static String randomValue(Random r) {
    int v = r.nextInt(3);
    return v == 2 ? null : Integer.toString(v);
  }

  private static EtcdKvModel.Op randomSingle(Random r, String[] keys) {
    String key = keys[r.nextInt(keys.length)];
    String value = Integer.toString(r.nextInt(2));
    return switch (r.nextInt(4)) {
      case 0 -> EtcdKvModel.Op.get(key);
      case 1 -> EtcdKvModel.Op.put(key, value);
      case 2 -> EtcdKvModel.Op.delete(key);
      default -> EtcdKvModel.Op.cas(key, randomValue(r), value);
    };
  }

  private static EtcdKvModel.Result randomResult(Random r, EtcdKvModel.Op op) {
    return switch (op.kind()) {
      case GET -> EtcdKvModel.Result.got(randomValue(r), 0);
      case PUT, DELETE -> EtcdKvModel.Result.written(0);
      case CAS -> EtcdKvModel.Result.casResult(r.nextBoolean(), 0);
      case TXN -> {
        boolean succeeded = r.nextBoolean();
        List<EtcdKvModel.Read> reads = new ArrayList<>();
        for (EtcdKvModel.Op o : succeeded ? op.onSuccess() : op.onFailure()) {
          if (o.kind() == EtcdKvModel.Kind.GET) {
            reads.add(new EtcdKvModel.Read(randomValue(r), 0));
          }
        }
        yield EtcdKvModel.Result.txnResult(succeeded, reads, 0);
      }
    };
  }

  @Test
  void partitioningByConnectedKeysDoesNotChangeTheVerdict() {
    EtcdKvModel model = new EtcdKvModel();
    String[] keys = {"a", "b", "c", "d"};
    int[] verdicts = new int[2];
    for (int run = 0; run < RUNS; run++) {
      long seed = BASE_SEED + run;
      Random r = new Random(seed);
      List<Operation<EtcdKvModel.Op, EtcdKvModel.Result>> h = new ArrayList<>();
      int n = 2 + r.nextInt(9);
      for (int p = 0; p < n; p++) {
        EtcdKvModel.Op op;
        if (r.nextInt(4) == 0) {
          String k1 = keys[r.nextInt(keys.length)];
          String k2 = keys[r.nextInt(keys.length)];
          op =
              EtcdKvModel.Op.txn(
                  List.of(new Compare(k1, randomValue(r))),
                  List.of(
                      EtcdKvModel.Op.put(k2, Integer.toString(r.nextInt(2))),
                      EtcdKvModel.Op.get(k1)),
                  List.of(EtcdKvModel.Op.get(k2)));
        } else {
          op = randomSingle(r, keys);
        }
        // Outputs mostly taken from a sequential run would be nicer; random ones give both
        // verdicts.
        h.add(randomOp(r, p, op, randomResult(r, op)));
      }
      Verdict whole = checker.check(new Unpartitioned<>(model), h).verdict();
      Verdict split = checker.check(model, h).verdict();
      assertEquals(whole, split, () -> replay(seed) + "; history " + h);
      verdicts[whole == Verdict.LINEARIZABLE ? 1 : 0]++;
    }
    if (RUNS >= 100) {
      assertTrue(
          verdicts[0] > RUNS / 20 && verdicts[1] > RUNS / 20,
          "both verdicts represented: " + verdicts[0] + " / " + verdicts[1]);
    }
  }

  /** Tries every order of the operations that respects real time; for tiny histories only. */
  static final class BruteForce {
    private BruteForce() {}

    static <S, I, O> boolean linearizable(Model<S, I, O> model, List<Operation<I, O>> history) {
      List<Operation<I, O>> ops = new ArrayList<>();
      for (Operation<I, O> op : history) {
        if (!(op.isUnknown() && model.isReadOnly(op.input()))) {
          ops.add(op);
        }
      }
      return search(model, ops, new boolean[ops.size()], 0, model.initialState());
    }

    private static <S, I, O> boolean search(
        Model<S, I, O> model, List<Operation<I, O>> ops, boolean[] done, int count, S state) {
      if (count == ops.size()) {
        return true;
      }
      for (int i = 0; i < ops.size(); i++) {
        if (done[i] || !minimal(ops, done, i)) {
          continue;
        }
        Operation<I, O> op = ops.get(i);
        for (S next : model.step(state, op.input(), op.output())) {
          done[i] = true;
          boolean ok = search(model, ops, done, count + 1, next);
          done[i] = false;
          if (ok) {
            return true;
          }
        }
      }
      return false;
    }

    /** No pending operation returned strictly before this one was called. */
    private static <I, O> boolean minimal(List<Operation<I, O>> ops, boolean[] done, int i) {
      for (int j = 0; j < ops.size(); j++) {
        if (!done[j] && j != i && ops.get(j).returnTime() < ops.get(i).callTime()) {
          return false;
        }
      }
      return true;
    }
  }
}
