package dev.loky.spring.spares;

import dev.loky.spring.ProcessAsync;

import java.util.concurrent.CompletableFuture;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Service;

/** Booted by {@link SpareTakesTheNextCallTests} in the test JVM and in its worker JVMs. */
@SpringBootApplication
public class SparesApplication {

    @Service
    public static class SpareService {

        /** The pid of the JVM that ran the call. */
        @ProcessAsync
        public long pid() {
            return ProcessHandle.current().pid();
        }

        /** Holds its worker busy for {@code millis}, then answers its pid. */
        @ProcessAsync
        public CompletableFuture<Long> busyFor(long millis) throws InterruptedException {
            Thread.sleep(millis);
            return CompletableFuture.completedFuture(ProcessHandle.current().pid());
        }
    }
}
