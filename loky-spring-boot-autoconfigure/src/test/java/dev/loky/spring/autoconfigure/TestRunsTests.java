package dev.loky.spring.autoconfigure;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TestRunsTests {

    @Test
    void aContextLoadedByTheTestContextFrameworkIsATestRun() {
        StackTraceElement[] test = {new StackTraceElement("org.springframework.boot.SpringApplication", "run", "SpringApplication.java", 1),
                new StackTraceElement("org.springframework.test.context.cache.DefaultCacheAwareContextLoaderDelegate", "loadContext", null, 1),
                new StackTraceElement("org.junit.platform.launcher.core.DefaultLauncher", "execute", null, 1)};
        assertThat(TestRuns.isTestRun(test)).isTrue();
    }

    @Test
    void aContextThatATestBuildsItselfIsNot() {
        assertThat(TestRuns.isTestRun()).as("this JUnit thread, outside the TestContext framework").isFalse();
    }

    @Test
    void anApplicationMainThreadIsNot() {
        StackTraceElement[] main = {new StackTraceElement("org.springframework.boot.SpringApplication", "run", "SpringApplication.java", 1),
                new StackTraceElement("com.example.ShopApplication", "main", "ShopApplication.java", 9)};
        assertThat(TestRuns.isTestRun(main)).isFalse();
    }
}
