package io.etch.kv;

import io.etch.op.Op;

/**
 * The response to one op of a transaction (etcd's ResponseOp); switch on {@link #type()} to get at
 * the concrete response.
 */
public sealed interface OpResponse permits GetResponse, PutResponse, DeleteResponse, TxnResponse {
  Header header();

  /** The kind of op this responds to. */
  Op.Type type();
}
