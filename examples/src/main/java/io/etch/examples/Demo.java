package io.etch.examples;

import io.etch.ByteSequence;
import java.io.PrintStream;

/**
 * The main demo that {@code scripts/demo.sh} runs.
 *
 * <p>Until {@code EtcdNode} exists it only reports what the build contains; the full demo (a
 * 3-member cluster in one JVM, a watch, a lock, an election, a registry, a leader kill) replaces it
 * as the core lands.
 */
public final class Demo {
  private Demo() {}

  public static void main(String[] args) {
    run(System.out);
  }

  static void run(PrintStream out) {
    out.println(
        "Etch " + version() + " — an embeddable, etcd-compatible replicated KV for the JVM");
    out.println("Built modules: etch-raft, etch-storage, etch-transport, etch-core.");
    out.println(
        "Keys order as etcd orders them: 'a' < 0xff is "
            + (ByteSequence.from("a").compareTo(ByteSequence.from(new byte[] {(byte) 0xff})) < 0));
    out.println("The replicated node (EtcdNode) is not built yet; see README for the roadmap.");
  }

  static String version() {
    String v = Demo.class.getPackage().getImplementationVersion();
    return v == null ? "(development build)" : v;
  }
}
