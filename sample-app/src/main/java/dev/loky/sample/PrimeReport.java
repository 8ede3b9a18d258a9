package dev.loky.sample;

/**
 * How many primes lie in {@code [from, to)}, which JVM counted them and how long it took.
 */
public record PrimeReport(long from, long to, long primes, long pid, long millis) {
}
