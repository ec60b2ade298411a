package io.etch.raft;

/**
 * Why an election starts; travels in the {@code context} of VOTE / PRE_VOTE messages (one byte).
 */
enum CampaignKind {
  /** Pre-vote probe (§9.6): the term is not bumped unless a quorum would vote for us. */
  PRE_ELECTION,
  /** A normal election. */
  ELECTION,
  /** Leadership transfer: voters ignore their leader lease (TimeoutNow, §3.10). */
  TRANSFER;

  static final byte[] TRANSFER_CONTEXT = {(byte) 'T'};

  static boolean isTransfer(byte[] context) {
    return context.length == 1 && context[0] == TRANSFER_CONTEXT[0];
  }
}
