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
    } catch (io.etch.storage.mvcc.CompactedException e) {
      throw new CompactedException(e.compactedRevision(), requestedRevision);
    } catch (io.etch.storage.mvcc.FutureRevisionException e) {
      throw new FutureRevisionException(e.requestedRevision(), e.currentRevision());
    } catch (io.etch.storage.mvcc.KeyNotFoundException e) {
      throw new KeyNotFoundException(ByteSequence.wrap(e.key()));
    } catch (io.etch.storage.mvcc.TooManyTxnOpsException e) {
      throw new TooManyTxnOpsException(e.count(), e.limit());
    } catch (io.etch.storage.mvcc.DuplicateKeyInTxnException e) {
      throw new DuplicateKeyInTxnException(ByteSequence.wrap(e.key()));
    } catch (KeyTooLargeException e) {
      throw new RequestTooLargeException(ByteSequence.wrap(e.key()), e.sizeBytes(), e.limitBytes());
    } catch (ValueTooLargeException e) {
      throw new RequestTooLargeException(ByteSequence.wrap(e.key()), e.sizeBytes(), e.limitBytes());
    } catch (io.etch.storage.mvcc.InvalidArgumentException e) {
      throw new InvalidArgumentException("request", e.getMessage());
    } catch (MvccException e) {
      throw new InvalidArgumentException("request", e.getMessage());
    }
  }
}
