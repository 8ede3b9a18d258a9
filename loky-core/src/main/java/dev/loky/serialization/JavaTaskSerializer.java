package dev.loky.serialization;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.io.PushbackInputStream;

/**
 * The default serializer: Java serialization, read through {@link DeserializationFilter}, with
 * classes resolved through the given class loader (the context class loader, so that a worker
 * launched by Spring Boot's launcher sees the application's nested jars). Plain values and
 * serializable lambdas that capture only plain values take a short form ({@code CompactForm}),
 * rebuilt through the same {@code $deserializeLambda$} Java serialization uses.
 */
public final class JavaTaskSerializer implements TaskSerializer {

    /** The shared instance; the class is stateless. */
    public static final JavaTaskSerializer INSTANCE = new JavaTaskSerializer();

    /** Public so that a worker can build one by name. */
    public JavaTaskSerializer() {
    }

    @Override
    public byte[] serialize(Object value) throws IOException {
        byte[] compact = CompactForm.encode(value);
        if (compact != null) {
            return compact;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    @Override
    public Object deserialize(byte[] data, ClassLoader loader) throws IOException, ClassNotFoundException {
        if (CompactForm.isCompact(data)) {
            return CompactForm.decode(data, loader);
        }
        try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(data), loader)) {
            in.setObjectInputFilter(DeserializationFilter.forMessage(data.length));
            return in.readObject();
        }
    }

    /** Streams the value; the stream is flushed, not closed. */
    @Override
    public void serialize(Object value, OutputStream out) throws IOException {
        // the pool serializes every task and result through this method (small ones into a buffer):
        // the short form must apply here too, or every message pays Java serialization again
        byte[] compact = CompactForm.encode(value);
        if (compact != null) {
            out.write(compact);
            out.flush();
            return;
        }
        ObjectOutputStream objects = new ObjectOutputStream(out);
        objects.writeObject(value);
        objects.flush();
    }

    /** Reads one value in place from {@code in}, through the same filter as {@link #deserialize(byte[], ClassLoader)}. */
    @Override
    public Object deserialize(InputStream in, ClassLoader loader) throws IOException, ClassNotFoundException {
        PushbackInputStream peek = new PushbackInputStream(in, 1);
        int first = peek.read();
        if (first < 0) {
            throw new EOFException("no value: the stream is empty");
        }
        peek.unread(first);
        if (CompactForm.isCompactTag(first)) {
            // a short-form value is the whole of its stream (the stream given here is bounded to one value)
            return CompactForm.decode(peek.readAllBytes(), loader);
        }
        ObjectInputStream objects = new LoaderObjectInputStream(peek, loader);
        objects.setObjectInputFilter(DeserializationFilter.INSTANCE);
        return objects.readObject();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JavaTaskSerializer;
    }

    @Override
    public int hashCode() {
        return JavaTaskSerializer.class.hashCode();
    }

    /**
     * Resolves classes through a chosen loader first, and bounds the hashing work of the
     * collections it reads ({@link HashingBudget}).
     */
    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;
        private final HashingBudget hashing = new HashingBudget();

        LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
            enableResolveObject(true);
        }

        @Override
        protected Object resolveObject(Object obj) throws IOException {
            hashing.check(obj);
            return obj;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassNotFoundException notInLoader = null;
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    notInLoader = e; // primitives and classes only the default loader sees, else this says why
                }
            }
            try {
                return super.resolveClass(desc);
            } catch (ClassNotFoundException e) {
                throw notInLoader != null ? notInLoader : e;
            }
        }
    }
}
