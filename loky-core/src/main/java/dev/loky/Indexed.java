package dev.loky;

/**
 * A result of {@link ProcessExecutor#imapIndexed} with the index of its item in the input, so that
 * an unordered stream can be joined back to its input.
 *
 * @param index the item's position in the input, from 0
 * @param value the function's result for it
 * @param <R> the result type
 */
public record Indexed<R>(long index, R value) {
}
