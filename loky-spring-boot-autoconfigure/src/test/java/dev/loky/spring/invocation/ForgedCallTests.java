package dev.loky.spring.invocation;

import dev.loky.LokyException;
import dev.loky.ProcessExecutor;
import dev.loky.spring.it.ItApplication;
import dev.loky.spring.it.WorkService;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * A worker runs only {@code @ProcessAsync} methods: calls forged by hand (as a cluster outsider or
 * any code holding the executor could send them) reach a real worker and are refused there, and
 * nothing runs. Before the check, the first call read the worker's environment and the second
 * ended the worker with {@code System.exit}.
 */
@SpringBootTest(classes = ItApplication.class, properties = {"loky.max-workers=1", "loky.worker.startup-cache=off",
        "loky.worker.jvm-args=-Xmx128m,-XX:TieredStopAtLevel=1", "demo.secret=s3cr3t"})
class ForgedCallTests {

    @Autowired
    ProcessExecutor executor;

    @Autowired
    WorkService service;

    @Test
    void aMethodOfABeanThatIsNotProcessAsyncIsRefused() throws Exception {
        long pid = service.pid();
        Throwable refused = failure(executor.submit(call("environment", "org.springframework.core.env.StandardEnvironment",
                "getProperty", new String[] {"java.lang.String"}, "\"demo.secret\"")));
        assertThat(refused).isInstanceOf(LokyException.class)
                .hasMessageContaining("a worker runs only public @ProcessAsync methods")
                .hasMessageNotContaining("s3cr3t");
        assertThat(service.pid()).isEqualTo(pid);
    }

    @Test
    void anUnannotatedMethodOfAProcessAsyncBeanIsRefusedAndRunsNothing() throws Exception {
        long pid = service.pid();
        Throwable refused = failure(executor.submit(call("workService", WorkService.class.getName(),
                "exitWithoutAnnotation", new String[] {"int"}, "3")));
        assertThat(refused).isInstanceOf(LokyException.class).hasMessageContaining("exitWithoutAnnotation is not one. Nothing ran.");
        assertThat(ProcessHandle.of(pid)).isPresent();
        assertThat(service.pid()).isEqualTo(pid);
    }

    @Test
    void anAnnotatedMethodNamedWithOtherParameterTypesIsNotFound() throws Exception {
        Throwable refused = failure(executor.submit(call("workService", WorkService.class.getName(),
                "greet", new String[] {"java.lang.Object"}, "\"x\"")));
        assertThat(refused).isInstanceOf(LokyException.class).hasMessageContaining("No method");
    }

    @Test
    void aRealCallStillWorks() throws Exception {
        byte[] json = executor.submit(call("workService", WorkService.class.getName(), "greet",
                new String[] {"java.lang.String"}, "\"forge\"")).get(60, TimeUnit.SECONDS);
        assertThat(new String(json, StandardCharsets.UTF_8)).contains("forge");
    }

    private static ProcessAsyncCall call(String bean, String type, String method, String[] parameterTypes, String argumentJson) {
        return new ProcessAsyncCall(bean, type, method, parameterTypes, new byte[][] {argumentJson.getBytes(StandardCharsets.UTF_8)},
                null, Map.of());
    }

    private static Throwable failure(CompletableFuture<?> future) {
        Throwable thrown = catchThrowable(() -> future.get(60, TimeUnit.SECONDS));
        assertThat(thrown).isInstanceOf(ExecutionException.class);
        return thrown.getCause();
    }
}
