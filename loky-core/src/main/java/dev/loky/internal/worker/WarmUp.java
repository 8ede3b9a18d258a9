package dev.loky.internal.worker;

import dev.loky.RemoteCallable;
import dev.loky.serialization.TaskSerializer;

/**
 * Runs, right after a worker reported ready and before it takes its first task, the path every
 * task takes: deserializing a serializable lambda (the JDK's lambda-deserialization machinery is
 * slow the first time), calling it, and serializing its result. A first task that arrives at once
 * waits about what it would have paid itself; a worker that waits idle (a spare above all) serves
 * its first call warm.
 */
final class WarmUp {

    private WarmUp() {
    }

    static void run(TaskSerializer serializer, ClassLoader loader) {
        try {
            int captured = 41;
            RemoteCallable<Integer> task = () -> captured + 1;
            Object copy = serializer.deserialize(serializer.serialize(task), loader);
            Object value = ((RemoteCallable<?>) copy).call();
            serializer.deserialize(serializer.serialize(value), loader);
        } catch (Exception | LinkageError e) {
            // only a warm-up: the first task pays what was not warmed
        }
    }
}
