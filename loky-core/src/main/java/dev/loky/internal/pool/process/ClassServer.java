package dev.loky.internal.pool.process;

import dev.loky.internal.pool.map.MapChunk;
import dev.loky.internal.protocol.ClassAnswer;
import dev.loky.internal.protocol.ReplVariables;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parent's half of class shipping: remembers the class loaders that defined the pool's tasks
 * (a lambda's capturing class, a map's function) and answers a worker's request for a class it
 * cannot load from its class path with the bytes one of those loaders holds (jshell's in-memory
 * loader, the source launcher's, {@code mvn exec:java}'s). It answers only its own workers, over
 * their channels, and only from the loaders of tasks submitted to this pool.
 *
 * <p>Thread-safe: tasks are remembered by submitting threads, requests answered on reader threads.
 */
public final class ClassServer {

    /** The loaders of submitted tasks' classes, each once; weak, so a discarded loader is not kept. */
    private final Set<ClassLoader> loaders = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /** The jshell classes shipped to workers, with their variables' values as first shipped. */
    private final Map<Class<?>, Map<String, byte[]>> shippedVariables = Collections.synchronizedMap(new WeakHashMap<>());
    /** Set once a jshell class was shipped: until then (outside jshell, always) a task costs no look. */
    private volatile boolean anyVariablesShipped;

    /** Per task class: its loader, remembered once; costs a table look-up afterwards. */
    private final ClassValue<Boolean> remembered = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            ClassLoader loader = type.getClassLoader();
            if (loader != null && loader != ClassLoader.getPlatformClassLoader()) {
                loaders.add(loader);
            }
            return Boolean.TRUE;
        }
    };

    /** Remembers where a task's classes come from (for a map chunk, its function's). */
    public void remember(Object task) {
        Object code = task instanceof MapChunk<?, ?> chunk ? chunk.function() : task;
        remembered.get(code.getClass());
    }

    /**
     * A loader for what workers send back: {@code primary}'s classes first, then those of the
     * remembered task loaders (a result whose class was written in jshell).
     */
    public ClassLoader resultLoader(ClassLoader primary) {
        return new ClassLoader("loky-results", primary) {
            @Override
            protected Class<?> findClass(String name) throws ClassNotFoundException {
                for (ClassLoader loader : snapshot()) {
                    try {
                        return Class.forName(name, false, loader);
                    } catch (ClassNotFoundException | LinkageError e) {
                        // the next one
                    }
                }
                throw new ClassNotFoundException(name);
            }
        };
    }

    private List<ClassLoader> snapshot() {
        synchronized (loaders) {
            return new ArrayList<>(loaders);
        }
    }

    /** The answer to a worker's request for {@code name}. */
    public ClassAnswer answer(String name) {
        if (!isBinaryName(name)) {
            return ClassAnswer.missing("\"" + name + "\" is not a class name");
        }
        List<ClassLoader> asked = snapshot();
        String resource = name.replace('.', '/') + ".class";
        for (ClassLoader loader : asked) {
            try (InputStream in = loader.getResourceAsStream(resource)) {
                if (in != null) {
                    return ClassAnswer.of(in.readAllBytes(), variables(name, loader));
                }
            } catch (IOException | RuntimeException e) {
                // try the next loader
            }
        }
        return ClassAnswer.missing("none of the class loaders of this pool's tasks " + describe(asked) + " has " + resource
                + "; put it on the workers' class path (PoolConfig.classpath)");
    }

    /** For a jshell snippet's class: its variables' values now, remembered as shipped; else nothing. */
    private byte[] variables(String name, ClassLoader loader) {
        if (!ReplVariables.isRepl(name)) {
            return new byte[0];
        }
        try {
            Class<?> type = Class.forName(name, false, loader);
            Map<String, byte[]> values = ReplVariables.read(type);
            shippedVariables.put(type, new ConcurrentHashMap<>(values));
            anyVariablesShipped = true;
            return ReplVariables.encode(values);
        } catch (ClassNotFoundException | IOException | LinkageError e) {
            return new byte[0];
        }
    }

    /**
     * The jshell variables whose values changed since their class was shipped ({@code factor = 5}
     * after a worker loaded {@code var factor = 3}), by class name; empty when none did (and always
     * outside jshell). A task carries them, so every worker computes with the current values.
     */
    public Map<String, Map<String, byte[]>> changedVariables() {
        if (!anyVariablesShipped) {
            return Map.of();
        }
        Map<String, Map<String, byte[]>> changed = new HashMap<>();
        Map<Class<?>, Map<String, byte[]>> shipped;
        synchronized (shippedVariables) {
            shipped = new HashMap<>(shippedVariables);
        }
        shipped.forEach((type, first) -> {
            Map<String, byte[]> now = ReplVariables.read(type);
            now.forEach((field, bytes) -> {
                byte[] before = first.get(field);
                if (before == null || !Arrays.equals(before, bytes)) {
                    changed.computeIfAbsent(type.getName(), k -> new HashMap<>()).put(field, bytes);
                }
            });
        });
        return changed;
    }

    private static String describe(List<ClassLoader> loaders) {
        List<String> names = new ArrayList<>();
        for (ClassLoader l : loaders) {
            names.add(l.getName() != null ? l.getName() + " (" + l.getClass().getName() + ")" : l.getClass().getName());
        }
        return names.toString();
    }

    /** A binary class name: dot-separated Java identifiers (with {@code $}); no slashes, no resource paths. */
    static boolean isBinaryName(String name) {
        if (name.isEmpty() || name.length() > 1000 || name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c != '.' && !Character.isJavaIdentifierPart(c)) {
                return false;
            }
        }
        return true;
    }
}
