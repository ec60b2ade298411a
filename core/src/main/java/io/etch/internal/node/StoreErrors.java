package io.etch.internal.node;

import io.etch.ByteSequence;
import io.etch.CompactedException;
import io.etch.DuplicateKeyInTxnException;
import io.etch.FutureRevisionException;
import io.etch.InvalidArgumentException;
import io.etch.KeyNotFoundException;
import io.etch.RequestTooLargeException;
import io.etch.TooManyTxnOpsException;
import io.etch.storage.mvcc.KeyTooLargeException;
import io.etch.storage.mvcc.MvccException;
import io.etch.storage.mvcc.ValueTooLargeException;
import java.util.function.Supplier;

/**
 * Runs a store operation and turns the MVCC module's exceptions into the public typed ones ({@code
 * io.etch.*}), carrying the same revisions, keys and limits.
 */
final class StoreErrors {
  private StoreErrors() {}

  /**
   * @param requestedRevision the revision the request asked for (for {@code CompactedException})
   */
  static <T> T call(Supplier<T> operation, long requestedRevision) {
    try {
      return operation.get();
    } catch (MvccException e) {
      throw translate(e, requestedRevision);
    }
  }

  /**
   * The public typed exception for a store exception (what {@link #call} throws for it), for
   * callers on a hot path that catch {@link MvccException} themselves instead of passing a lambda.
   *
   * @param requestedRevision the revision the request asked for (for {@code CompactedException})
   */
  static RuntimeException translate(MvccException error, long requestedRevision) {
    try {
      throw error;
    } catch (io.etch.storage.mvcc.CompactedException e) {
      return new CompactedException(e.compactedRevision(), requestedRevision);
    } catch (io.etch.storage.mvcc.FutureRevisionException e) {
      return new FutureRevisionException(e.requestedRevision(), e.currentRevision());
    } catch (io.etch.storage.mvcc.KeyNotFoundException e) {
      return new KeyNotFoundException(ByteSequence.wrap(e.key()));
    } catch (io.etch.storage.mvcc.TooManyTxnOpsException e) {
      return new TooManyTxnOpsException(e.count(), e.limit());
    } catch (io.etch.storage.mvcc.DuplicateKeyInTxnException e) {
      return new DuplicateKeyInTxnException(ByteSequence.wrap(e.key()));
    } catch (KeyTooLargeException e) {
      return new RequestTooLargeException(
          ByteSequence.wrap(e.key()), e.sizeBytes(), e.limitBytes());
    } catch (ValueTooLargeException e) {
      return new RequestTooLargeException(
          ByteSequence.wrap(e.key()), e.sizeBytes(), e.limitBytes());
    } catch (MvccException e) {
      return new InvalidArgumentException("request", e.getMessage());
    }
  }
}
