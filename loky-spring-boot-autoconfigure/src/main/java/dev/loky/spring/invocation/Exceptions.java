package dev.loky.spring.invocation;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Exception plumbing for calls. */
final class Exceptions {

    private Exceptions() {
    }

    /** The exception a future's failure stands for: unwraps {@code CompletionException}/{@code ExecutionException}. */
    static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException) && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

    /** Throws any throwable as itself, checked or not. */
    static RuntimeException sneaky(Throwable error) {
        throw Exceptions.<RuntimeException>doSneaky(error);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E doSneaky(Throwable error) throws E {
        throw (E) error;
    }
}
