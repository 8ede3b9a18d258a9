package dev.loky.spring.autoconfigure;

/**
 * Tells whether the application context is being started by a test framework, the way Spring Boot
 * DevTools decides not to restart in tests: by the frames of the thread that starts it.
 * {@code loky.prestart} is not applied there, so a test context that never calls a worker never
 * spawns one; workers then start on the first call. Stateless.
 */
final class TestRuns {

    private static final String[] TEST_FRAMEWORKS = {"org.junit.platform.", "org.junit.runners.", "org.junit.jupiter.",
            "org.testng.", "org.springframework.test.context."};

    private TestRuns() {
    }

    /** {@code true} if the calling thread runs inside JUnit, TestNG or the Spring TestContext framework. */
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
