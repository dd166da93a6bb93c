/**
 * Benchmarks: what the switcher adds to a pool borrow (JMH) and to an application's transaction
 * throughput, and Cutover's replication against native PostgreSQL logical replication measured side
 * by side in one run (write pause at the flip, initial copy, backlog drain, commit-to-applied
 * latency, heap). Results and how to re-run them are in BENCHMARKS.md.
 */
package io.cutover.examples.bench;
