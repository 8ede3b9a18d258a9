package dev.loky;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** docs/core.md says the workers get "the caller's" JDK, classpath and directory: the accessors return them. */
class PoolConfigDefaultsTest {

    @Test
    void unsetJavaHomeClasspathAndWorkingDirectoryAreTheCallers() {
        PoolConfig config = PoolConfig.builder().build();

        assertThat(config.javaHome()).isEqualTo(Path.of(System.getProperty("java.home")));
        assertThat(config.classpath()).isEqualTo(System.getProperty("java.class.path"));
        assertThat(config.workingDirectory()).isEqualTo(Path.of(System.getProperty("user.dir")));
    }

    @Test
    void setValuesAreReturnedAsSet() {
        PoolConfig config = PoolConfig.builder().javaHome(Path.of("/opt/jdk")).classpath("a.jar").workingDirectory(Path.of("/tmp")).build();

        assertThat(config.javaHome()).isEqualTo(Path.of("/opt/jdk"));
        assertThat(config.classpath()).isEqualTo("a.jar");
        assertThat(config.workingDirectory()).isEqualTo(Path.of("/tmp"));
        assertThat(config).isNotEqualTo(PoolConfig.builder().build());
    }
}
