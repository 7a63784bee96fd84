/**
 * Benchmarks that print figures (never timed assertions): {@code CallsPerOrderBenchmark} counts the
 * Exact Online calls per order against the sandbox; CI runs it and prints its figures.
 */
package org.sqexact.bench;
