package dev.loky.spring.autoconfigure;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TestRunsTests {

    @Test
    void aThreadInsideJUnitIsATestRun() {
        assertThat(TestRuns.isTestRun()).isTrue();
    }

    @Test
    void anApplicationMainThreadIsNot() {
        StackTraceElement[] main = {new StackTraceElement("org.springframework.boot.SpringApplication", "run", "SpringApplication.java", 1),
                new StackTraceElement("com.example.ShopApplication", "main", "ShopApplication.java", 9)};
        assertThat(TestRuns.isTestRun(main)).isFalse();
    }
}
