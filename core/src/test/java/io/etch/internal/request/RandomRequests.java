package io.etch.internal.request;

import io.etch.ByteSequence;
import io.etch.KeyRange;
import io.etch.maintenance.AlarmMember;
import io.etch.maintenance.AlarmType;
import io.etch.op.Cmp;
import io.etch.op.CmpTarget;
import io.etch.op.Op;
import io.etch.options.DeleteOption;
import io.etch.options.GetOption;
import io.etch.options.PutOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded generation of valid requests covering every kind and option, and a canonical text form
 * ({@link #describe}) that names every field, since the option classes have no {@code equals}.
 */
final class RandomRequests {
  private final SplittableRandom random;

  RandomRequests(long seed) {
    this.random = new SplittableRandom(seed);
  }

  Request next() {
    RequestHeader header = new RequestHeader(random.nextLong(), random.nextLong());
    RequestKind kind = RequestKind.values()[random.nextInt(RequestKind.values().length)];
    return switch (kind) {
      case PUT -> new Request.Put(header, put());
      case DELETE_RANGE -> new Request.DeleteRange(header, delete());
      case TXN -> new Request.Txn(header, txn(1 + random.nextInt(3)));
      case COMPACT -> new Request.Compact(header, anyLong(), random.nextBoolean());
      case LEASE_GRANT -> new Request.LeaseGrant(header, anyLong(), anyLong());
      case LEASE_REVOKE -> new Request.LeaseRevoke(header, anyLong());
      case LEASE_CHECKPOINT -> {
        List<LeaseCheckpoint> checkpoints = new ArrayList<>();
        int count = random.nextInt(6);
        for (int i = 0; i < count; i++) {
          checkpoints.add(new LeaseCheckpoint(anyLong(), random.nextLong(0, Long.MAX_VALUE)));
        }
        yield new Request.LeaseCheckpoints(header, checkpoints);
      }
      case ALARM ->
          new Request.Alarm(
              header,
              random.nextBoolean(),
              new AlarmMember(
                  anyLong(), AlarmType.values()[random.nextInt(AlarmType.values().length)]));
    };
  }

  private long anyLong() {
    return switch (random.nextInt(4)) {
      case 0 -> 0;
      case 1 -> random.nextLong(1000);
      case 2 -> Long.MAX_VALUE;
      default -> random.nextLong();
    };
  }

  private long nonNegative() {
    return random.nextBoolean() ? 0 : random.nextLong(0, Long.MAX_VALUE);
  }

  private ByteSequence bytes(int min, int max) {
    byte[] b = new byte[min + random.nextInt(max - min + 1)];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) random.nextInt(256);
    }
    return ByteSequence.wrap(b);
  }

  Op.PutOp put() {
    PutOption.Builder option = PutOption.builder();
    boolean ignoreValue = random.nextBoolean();
    boolean ignoreLease = random.nextBoolean();
    if (!ignoreLease && random.nextBoolean()) {
      option.withLeaseId(nonNegative());
    }
    if (random.nextBoolean()) {
      option.withPrevKV();
    }
    if (ignoreValue) {
      option.withIgnoreValue();
    }
    if (ignoreLease) {
      option.withIgnoreLease();
    }
    ByteSequence value = ignoreValue ? ByteSequence.EMPTY : bytes(0, 40);
    return Op.put(bytes(1, 20), value, option.build());
  }

  /** 0 single, 1 range, 2 prefix, 3 fromKey. */
  private int selection() {
    return random.nextInt(4);
  }

  private ByteSequence keyFor(int selection) {
    return selection >= 2 && random.nextInt(4) == 0 ? ByteSequence.EMPTY : bytes(1, 20);
  }

  Op.DeleteOp delete() {
    int selection = selection();
    DeleteOption.Builder option = DeleteOption.builder().withPrevKV(random.nextBoolean());
    switch (selection) {
      case 1 -> option.withRange(bytes(1, 20));
      case 2 -> option.isPrefix(true);
      case 3 -> option.withFromKey(true);
      default -> {}
    }
    return Op.delete(keyFor(selection), option.build());
  }

  Op.GetOp get() {
    int selection = selection();
    GetOption.Builder option =
        GetOption.builder().withSerializable(random.nextBoolean()).withRevision(nonNegative());
    switch (selection) {
      case 1 -> option.withRange(bytes(1, 20));
      case 2 -> option.isPrefix(true);
      case 3 -> option.withFromKey(true);
      default -> {}
    }
    if (random.nextInt(4) == 0) {
      option.withCountOnly(true);
    } else {
      option
          .withKeysOnly(random.nextBoolean())
          .withLimit(nonNegative())
          .withSortOrder(GetOption.SortOrder.values()[random.nextInt(3)])
          .withSortField(GetOption.SortTarget.values()[random.nextInt(5)]);
      long minMod = nonNegative();
      long maxMod = random.nextBoolean() ? 0 : random.nextLong(minMod, Long.MAX_VALUE);
      long minCreate = nonNegative();
      long maxCreate = random.nextBoolean() ? 0 : random.nextLong(minCreate, Long.MAX_VALUE);
      option
          .withMinModRevision(minMod)
          .withMaxModRevision(maxMod)
          .withMinCreateRevision(minCreate)
          .withMaxCreateRevision(maxCreate);
    }
    return Op.get(keyFor(selection), option.build());
  }

  Cmp cmp() {
    ByteSequence key = bytes(1, 20);
    Cmp.Result result = Cmp.Result.values()[random.nextInt(4)];
    CmpTarget<?> target =
        switch (random.nextInt(5)) {
          case 0 -> CmpTarget.version(anyLong());
          case 1 -> CmpTarget.createRevision(anyLong());
          case 2 -> CmpTarget.modRevision(anyLong());
          case 3 -> CmpTarget.lease(anyLong());
          default -> CmpTarget.value(bytes(0, 30));
        };
    return switch (random.nextInt(3)) {
      case 0 -> new Cmp(key, result, target);
      case 1 -> Cmp.ofRange(key, bytes(1, 20), result, target);
      default -> new Cmp(KeyRange.prefix(key), result, target);
    };
  }

  Op.TxnOp txn(int depth) {
    List<Cmp> compares = new ArrayList<>();
    int cmpCount = random.nextInt(4);
    for (int i = 0; i < cmpCount; i++) {
      compares.add(cmp());
    }
    return new Op.TxnOp(compares, ops(depth), ops(depth));
  }

  private List<Op> ops(int depth) {
    List<Op> ops = new ArrayList<>();
    int count = random.nextInt(4);
    for (int i = 0; i < count; i++) {
      int type = random.nextInt(depth > 1 ? 4 : 3);
      ops.add(
          switch (type) {
            case 0 -> put();
            case 1 -> get();
            case 2 -> delete();
            default -> txn(depth - 1);
          });
    }
    return ops;
  }

  /** A canonical text form naming every field of the request. */
  static String describe(Request request) {
    StringBuilder out = new StringBuilder();
    out.append(request.kind())
        .append(" member=")
        .append(request.header().memberId())
        .append(" id=")
        .append(request.header().requestId())
        .append(' ');
    switch (request.kind()) {
      case PUT -> describe(((Request.Put) request).op(), out);
      case DELETE_RANGE -> describe(((Request.DeleteRange) request).op(), out);
      case TXN -> describe(((Request.Txn) request).op(), out);
      default -> out.append(request);
    }
    return out.toString();
  }

  private static void describe(Op op, StringBuilder out) {
    switch (op.type()) {
      case PUT -> {
        Op.PutOp put = (Op.PutOp) op;
        PutOption o = put.option();
        out.append("put(")
            .append(hex(put.key()))
            .append(',')
            .append(hex(put.value()))
            .append(" lease=")
            .append(o.leaseId())
            .append(" prevKv=")
            .append(o.isPrevKv())
            .append(" ignoreValue=")
            .append(o.isIgnoreValue())
            .append(" ignoreLease=")
            .append(o.isIgnoreLease())
            .append(')');
      }
      case DELETE -> {
        Op.DeleteOp delete = (Op.DeleteOp) op;
        DeleteOption o = delete.option();
        out.append("delete(")
            .append(hex(delete.key()))
            .append(" end=")
            .append(o.endKey().map(RandomRequests::hex).orElse("-"))
            .append(" prefix=")
            .append(o.isPrefix())
            .append(" fromKey=")
            .append(o.isFromKey())
            .append(" prevKv=")
            .append(o.isPrevKv())
            .append(')');
      }
      case GET -> {
        Op.GetOp get = (Op.GetOp) op;
        GetOption o = get.option();
        out.append("get(")
            .append(hex(get.key()))
            .append(" end=")
            .append(o.endKey().map(RandomRequests::hex).orElse("-"))
            .append(" prefix=")
            .append(o.isPrefix())
            .append(" fromKey=")
            .append(o.isFromKey())
            .append(" limit=")
            .append(o.limit())
            .append(" rev=")
            .append(o.revision())
            .append(" order=")
            .append(o.sortOrder())
            .append(" field=")
            .append(o.sortField())
            .append(" serializable=")
            .append(o.isSerializable())
            .append(" keysOnly=")
            .append(o.isKeysOnly())
            .append(" countOnly=")
            .append(o.isCountOnly())
            .append(" mod=[")
            .append(o.minModRevision())
            .append(',')
            .append(o.maxModRevision())
            .append("] create=[")
            .append(o.minCreateRevision())
            .append(',')
            .append(o.maxCreateRevision())
            .append("])");
      }
      case TXN -> {
        Op.TxnOp txn = (Op.TxnOp) op;
        out.append("txn(if[");
        for (Cmp cmp : txn.compares()) {
          out.append(hex(cmp.range().key()))
              .append('~')
              .append(hex(cmp.range().rangeEnd()))
              .append(' ')
              .append(cmp.result())
              .append(' ')
              .append(cmp.target().type())
              .append(' ')
              .append(
                  cmp.target().type() == CmpTarget.Type.VALUE
                      ? hex(cmp.target().valueOperand())
                      : Long.toString(cmp.target().longOperand()))
              .append(';');
        }
        out.append("] then[");
        for (Op child : txn.thenOps()) {
          describe(child, out);
          out.append(';');
        }
        out.append("] else[");
        for (Op child : txn.elseOps()) {
          describe(child, out);
          out.append(';');
        }
        out.append("])");
      }
    }
  }

  private static String hex(ByteSequence bytes) {
    StringBuilder out = new StringBuilder("0x");
    for (byte b : bytes.unsafeBytes()) {
      out.append(String.format("%02x", b & 0xFF));
    }
    return out.toString();
  }
}
