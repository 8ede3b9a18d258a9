package dev.loky.spring.architecture;

import org.junit.jupiter.api.Test;

import java.net.URL;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's JNA (through OSHI) and the plain {@code net.java.dev.jna:jna} that Testcontainers
 * brings (declared in this module's tests) are one copy on the class
 * path. Before, OSHI's {@code jna-jpms} held the same classes under another artifact name, so both
 * jars were there, of different versions, and which {@code Native} won was the class path's order.
 */
class OneJnaCopyTest {

    @Test
    void jnaIsOnTheClassPathOnce() throws Exception {
        List<URL> copies = Collections.list(getClass().getClassLoader().getResources("com/sun/jna/Native.class"));
        assertThat(copies).as("com.sun.jna.Native on the class path").hasSize(1);
        assertThat(copies.get(0).toString()).doesNotContain("jna-jpms");
        assertThat(Collections.list(getClass().getClassLoader().getResources("com/sun/jna/platform/win32/Kernel32.class")))
                .as("jna-platform too").hasSize(1);
    }
}
