package dev.loky.spring.autoconfigure;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;

class FatJarLaunchTests {

    @TempDir
    Path dir;

    @Test
    void detectsAnExecutableBootJar() throws IOException {
        Path jar = jar("app.jar", "org.springframework.boot.loader.launch.JarLauncher");
        assertThat(FatJarLaunch.detect(jar.toString(), getClass().getClassLoader())).contains(new FatJarLaunch(jar.toString()));
    }

    @Test
    void ignoresAPlainJarAndSeveralEntries() throws IOException {
        Path jar = jar("plain.jar", "com.example.Main");
        assertThat(FatJarLaunch.detect(jar.toString(), getClass().getClassLoader())).isEmpty();
        Path boot = jar("app.jar", "org.springframework.boot.loader.launch.JarLauncher");
        assertThat(FatJarLaunch.detect(boot + File.pathSeparator + jar, getClass().getClassLoader())).isEmpty();
        assertThat(FatJarLaunch.detect("", getClass().getClassLoader())).isEmpty();
    }

    @Test
    void thisTestJvmIsNotAFatJar() {
        assertThat(FatJarLaunch.detect()).isEmpty();
    }

    private Path jar(String name, String mainClass) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        Path jar = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out, manifest)) {
            // an empty jar with a manifest
        }
        return jar;
    }
}
