/**
 * Benchmarks of the switcher itself: what it adds to a pool borrow (JMH) and to an application's
 * transaction throughput. Results and how to re-run them are in BENCHMARKS.md.
 */
package io.cutover.examples.bench;
