package io.etch.maintenance;

/** Kinds of alarm (etcd's AlarmType). */
public enum AlarmType {
  /** The data size passed the quota: writes are refused until disarmed. */
  NOSPACE,
  /** A consistency check found members with diverging data. */
  CORRUPT
}
