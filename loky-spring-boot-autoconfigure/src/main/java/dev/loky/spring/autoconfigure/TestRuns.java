package dev.loky.spring.autoconfigure;

/**
 * Tells whether the application context is being started by the Spring TestContext framework
 * ({@code @SpringBootTest} and the other test slices), by the frames of the thread that starts it
 * (as Spring Boot DevTools decides not to restart in tests). {@code loky.prestart} is not applied
 * there, so a test context that never calls a worker never spawns one; workers then start on the
 * first call. Contexts that a test builds itself ({@code ApplicationContextRunner},
 * {@code SpringApplication.run}) are not affected by that; {@link #isAnyTest()} includes them, and
 * keeps the called beans of earlier runs away from every test. Stateless.
 */
final class TestRuns {

    private static final String[] TEST_FRAMEWORKS = {"org.springframework.test.context."};

    /** Any test: the Spring TestContext framework, or a JUnit test building a context itself. */
    private static final String[] ANY_TEST = {"org.springframework.test.context.", "org.junit."};

    private TestRuns() {
    }

    /** {@code true} if the calling thread runs inside the Spring TestContext framework. */
    static boolean isTestRun() {
        return isTestRun(Thread.currentThread().getStackTrace());
    }

    static boolean isTestRun(StackTraceElement[] stack) {
        return startedBy(stack, TEST_FRAMEWORKS);
    }

    /**
     * {@code true} if the calling thread runs a test of any kind, including a context that a JUnit
     * test builds itself: what earlier runs remembered (the called beans) must not reach a test.
     */
    static boolean isAnyTest() {
        return startedBy(Thread.currentThread().getStackTrace(), ANY_TEST);
    }

    private static boolean startedBy(StackTraceElement[] stack, String[] frameworks) {
        for (StackTraceElement element : stack) {
            for (String prefix : frameworks) {
                if (element.getClassName().startsWith(prefix)) {
                    return true;
                }
            }
        }
        return false;
    }
}
