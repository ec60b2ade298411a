/**
 * Leases, shaped like jetcd's {@code Lease}: grant, revoke, keep-alive (once or continuously),
 * time-to-live and listing. Keys attach to a lease with {@code PutOption.withLeaseId}; when the
 * lease expires or is revoked every attached key is deleted at one revision.
 */
package io.etch.lease;
