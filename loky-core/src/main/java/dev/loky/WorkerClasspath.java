package dev.loky;

import java.io.File;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The workers' class path when none is set: the caller's {@code java.class.path}, unless loky
 * itself is not on it. Then the caller's classes came from a class loader of their own (jshell,
 * {@code mvn exec:java}, an IDE or plugin runner), and the class path is rebuilt from the
 * {@code file:} URLs of the {@link URLClassLoader}s that loaded loky and the caller's context,
 * followed by {@code java.class.path}. Without this a worker could not even find its main class
 * (it failed 8–9 times over 15–25 s under {@code exec:java}).
 *
 * <p>Stateless; any thread.
 */
final class WorkerClasspath {

    private WorkerClasspath() {
    }

    /** The default class path for workers of a pool configured on this thread. */
    static String derive() {
        return derive(System.getProperty("java.class.path", ""), Thread.currentThread().getContextClassLoader(),
                WorkerClasspath.class.getClassLoader());
    }

    static String derive(String javaClassPath, ClassLoader... loaders) {
        Path loky = codeSource(WorkerClasspath.class);
        Set<String> entries = new LinkedHashSet<>();
        for (String entry : javaClassPath.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        if (loky == null || entries.stream().anyMatch(e -> same(e, loky))) {
            return javaClassPath;
        }
        Set<String> derived = new LinkedHashSet<>();
        for (ClassLoader start : loaders) {
            for (ClassLoader l = start; l != null; l = l.getParent()) {
                if (l instanceof URLClassLoader urls) {
                    for (URL url : urls.getURLs()) {
                        Path path = file(url);
                        if (path != null) {
                            derived.add(path.toString());
                        }
                    }
                }
            }
        }
        derived.add(loky.toString());
        derived.addAll(entries);
        return String.join(File.pathSeparator, derived);
    }

    private static boolean same(String entry, Path path) {
        try {
            return Path.of(entry).toAbsolutePath().normalize().equals(path);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Path codeSource(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null || source.getLocation() == null ? null : file(source.getLocation());
    }

    private static Path file(URL url) {
        if (!"file".equals(url.getProtocol())) {
            return null;
        }
        try {
            return Path.of(url.toURI()).toAbsolutePath().normalize();
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
