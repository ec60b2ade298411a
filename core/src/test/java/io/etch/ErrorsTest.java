package io.etch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every error kind carries its specifics and says precisely what went wrong. */
class ErrorsTest {
  private static final ByteSequence KEY = ByteSequence.from("config/app");

  @Test
  void kvErrorsCarryTheirFields() {
    RequestTimeoutException timeout = new RequestTimeoutException("put", Duration.ofMillis(7000));
    assertEquals("put", timeout.operation());
    assertEquals(Duration.ofSeconds(7), timeout.timeout());
    assertEquals("put timed out after 7000 ms", timeout.getMessage());

    CompactedException compacted = new CompactedException(100, 42);
    assertEquals(100, compacted.compactedRevision());
    assertEquals(42, compacted.requestedRevision());
    assertEquals(
        "revision 42 has been compacted (compacted revision is 100)", compacted.getMessage());

    FutureRevisionException future = new FutureRevisionException(50, 40);
    assertEquals(50, future.requestedRevision());
    assertEquals(40, future.currentRevision());
    assertEquals("revision 50 is a future revision (current revision is 40)", future.getMessage());

    RequestTooLargeException large = new RequestTooLargeException(KEY, 2_000_000, 1_572_864);
    assertEquals(KEY, large.key());
    assertEquals(2_000_000, large.sizeBytes());
    assertEquals(1_572_864, large.limitBytes());
    assertEquals(
        "request for key 'config/app' is 2000000 bytes, above the limit of 1572864 bytes"
            + " (maxRequestBytes)",
        large.getMessage());

    TooManyTxnOpsException ops = new TooManyTxnOpsException(129, 128);
    assertEquals(129, ops.count());
    assertEquals(128, ops.limit());
    assertEquals(
        "transaction has 129 operations in one branch, above the limit of 128", ops.getMessage());

    DuplicateKeyInTxnException dup = new DuplicateKeyInTxnException(KEY);
    assertEquals(KEY, dup.key());
    assertEquals(
        "key 'config/app' is written more than once in one transaction branch", dup.getMessage());

    QuotaExceededException quota = new QuotaExceededException(2048, 4096);
    assertEquals(2048, quota.quotaBytes());
    assertEquals(4096, quota.dataSizeBytes());
    assertTrue(quota.getMessage().startsWith("storage quota exceeded: data size is 4096 bytes,"));

    assertEquals("node 'n1' is closed", new NodeClosedException("n1").getMessage());
    assertEquals("n1", new NodeClosedException("n1").memberName());

    InvalidArgumentException invalid = new InvalidArgumentException("limit", "limit is bad");
    assertEquals("limit", invalid.argument());

    KeyNotFoundException missing = new KeyNotFoundException(KEY);
    assertEquals(KEY, missing.key());
    assertEquals("key 'config/app' not found", missing.getMessage());

    assertEquals(0xabcL, new NoLeaderException(0xabc).memberId());
    assertEquals("member abc has no leader", new NoLeaderException(0xabc).getMessage());

    DecodingException decoding = new DecodingException("int64", 3, "expected exactly 8 bytes");
    assertEquals("int64", decoding.codec());
    assertEquals(3, decoding.sizeBytes());
  }

  @Test
  void leaseAndClusterErrorsCarryTheirFields() {
    assertEquals(0x1fL, new LeaseNotFoundException(0x1f).leaseId());
    assertEquals("lease 1f not found", new LeaseNotFoundException(0x1f).getMessage());
    assertEquals("lease 1f already exists", new LeaseExistsException(0x1f).getMessage());
    LeaseTtlTooLargeException ttl = new LeaseTtlTooLargeException(10_000_000_000L, 9_000_000_000L);
    assertEquals(10_000_000_000L, ttl.ttlSeconds());
    assertEquals(9_000_000_000L, ttl.maxTtlSeconds());

    assertEquals(
        "member ff not found in the cluster", new MemberNotFoundException(0xff).getMessage());
    MemberExistsException exists = new MemberExistsException(0xff, PeerAddress.parse("h:1"));
    assertEquals(PeerAddress.parse("h:1"), exists.peerAddress());
    assertTrue(exists.getMessage().contains("member ff at h:1 clashes"));
    assertTrue(
        new MemberIdRemovedException(0xff).getMessage().contains("choose another member name"));
    assertEquals("member ff is not a learner", new NotLearnerException(0xff).getMessage());
    LearnerNotReadyException notReady = new LearnerNotReadyException(0xff, 10, 100);
    assertEquals(10, notReady.matchIndex());
    assertEquals(100, notReady.leaderIndex());
    assertEquals(1, new TooManyLearnersException(1).limit());
    TooManyWatchersException watchers = new TooManyWatchersException("m1", 7);
    assertEquals(7, watchers.limit());
    assertEquals("m1", watchers.memberName());
    assertEquals(
        "member m1 already has 7 open watches, the limit (maxWatchers)", watchers.getMessage());
    UnhealthyClusterException unhealthy = new UnhealthyClusterException("remove member", 1, 2);
    assertEquals(
        "remove member refused: only 1 voting members would be reachable, a quorum needs 2",
        unhealthy.getMessage());
    assertEquals(
        "cannot move leadership to member ff: it is a learner",
        new BadLeaderTransfereeException(0xff, "it is a learner").getMessage());
    assertEquals(Path.of("/d"), new DataDirLockedException(Path.of("/d")).dataDir());
    CorruptBackupException corrupt = new CorruptBackupException("/b.snap", "checksum mismatch");
    assertEquals("backup /b.snap is corrupt: checksum mismatch", corrupt.getMessage());
  }

  @Test
  void everyKindHasExactlyOneClassAndRetryabilityIsExplicit() {
    List<EtchException> all =
        List.of(
            new RequestTimeoutException("get", Duration.ofSeconds(1)),
            new CompactedException(1, 0),
            new FutureRevisionException(2, 1),
            new RequestTooLargeException(KEY, 2, 1),
            new TooManyTxnOpsException(2, 1),
            new DuplicateKeyInTxnException(KEY),
            new QuotaExceededException(1, 2),
            new NodeClosedException("n"),
            new InvalidArgumentException("a", "b"),
            new KeyNotFoundException(KEY),
            new NoLeaderException(1),
            new NotLeaderException("move leader", 1),
            new LeaseNotFoundException(1),
            new LeaseExistsException(1),
            new LeaseTtlTooLargeException(2, 1),
            new MemberNotFoundException(1),
            new MemberExistsException(1, PeerAddress.parse("h:1")),
            new MemberIdRemovedException(1),
            new MemberRemovedException("n", 1),
            new NotLearnerException(1),
            new LearnerNotReadyException(1, 0, 1),
            new TooManyLearnersException(1),
            new UnhealthyClusterException("add", 1, 2),
            new BadLeaderTransfereeException(1, "r"),
            new DataDirLockedException(Path.of("d")),
            new CorruptBackupException("s", "r"),
            new DecodingException("c", 1, "r"),
            new TooManyWatchersException("n", 1));
    EnumSet<EtchException.Kind> kinds = EnumSet.noneOf(EtchException.Kind.class);
    Set<EtchException.Kind> retryable = EnumSet.noneOf(EtchException.Kind.class);
    for (EtchException e : all) {
      assertTrue(kinds.add(e.kind()), "two classes share " + e.kind());
      if (e.isRetryable()) {
        retryable.add(e.kind());
      }
      assertTrue(e instanceof RuntimeException);
    }
    assertEquals(EnumSet.allOf(EtchException.Kind.class), kinds);
    assertEquals(
        EnumSet.of(
            EtchException.Kind.REQUEST_TIMEOUT,
            EtchException.Kind.NO_LEADER,
            EtchException.Kind.LEARNER_NOT_READY),
        retryable);
    assertFalse(new CompactedException(1, 0).isRetryable());
  }

  @Test
  void unprintableKeysAreShownInHexAndBounded() {
    ByteSequence binary = ByteSequence.from(new byte[] {0, (byte) 0xff, 0x41});
    assertEquals("key '0x00ff41' not found", new KeyNotFoundException(binary).getMessage());
    ByteSequence longKey = ByteSequence.from("k".repeat(100));
    assertEquals(
        "key '" + "k".repeat(64) + "…(100 bytes)' not found",
        new KeyNotFoundException(longKey).getMessage());
  }
}
