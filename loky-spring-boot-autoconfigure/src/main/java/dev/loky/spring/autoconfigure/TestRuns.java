package dev.loky.spring.autoconfigure;

/**
 * Tells whether the application context is being started by the Spring TestContext framework
 * ({@code @SpringBootTest} and the other test slices), by the frames of the thread that starts it
 * (as Spring Boot DevTools decides not to restart in tests). {@code loky.prestart} is not applied
 * there, so a test context that never calls a worker never spawns one; workers then start on the
 * first call. Contexts that a test builds itself ({@code ApplicationContextRunner},
 * {@code SpringApplication.run}) are not affected. Stateless.
 */
final class TestRuns {

    private static final String[] TEST_FRAMEWORKS = {"org.springframework.test.context."};

    private TestRuns() {
    }

    /** {@code true} if the calling thread runs inside the Spring TestContext framework. */
    static boolean isTestRun() {
        return isTestRun(Thread.currentThread().getStackTrace());
    }

    static boolean isTestRun(StackTraceElement[] stack) {
        for (StackTraceElement element : stack) {
            for (String prefix : TEST_FRAMEWORKS) {
                if (element.getClassName().startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }
}
