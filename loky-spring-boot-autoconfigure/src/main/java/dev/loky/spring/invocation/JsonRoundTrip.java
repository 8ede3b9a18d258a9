package dev.loky.spring.invocation;

import dev.loky.spring.InvalidProcessAsyncMethodException;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.ser.PropertyWriter;
import tools.jackson.databind.ser.bean.BeanSerializerBase;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * Start-up check that what the JSON mapper writes for an {@code @ProcessAsync} parameter or result
 * can be read back: for every bean type reachable from the declared type (through properties,
 * collections, maps, arrays and optionals), each property the serializer writes is offered alone
 * to a strict reader. A property that the reader does not recognize (a getter-only {@code final}
 * collection, a derived getter not marked read-only) would arrive empty on the other side, so the
 * method fails the application's start-up instead of losing data silently. So does a declared type
 * whose JSON names no class ({@code Object}, {@code Serializable}, {@code Number}, a raw or
 * {@code <Object>} collection): it would come back as another class. Stateless.
 */
final class JsonRoundTrip {

    /**
     * Declared types whose JSON names no class, so that what is read back is whatever JSON's own
     * types map to ({@code LinkedHashMap}, {@code ArrayList}, {@code Double}, {@code String}).
     */
    private static final Set<Class<?>> CHANGES_CLASS = Set.of(Object.class, java.io.Serializable.class, Number.class,
            Comparable.class, CharSequence.class, Cloneable.class);

    private JsonRoundTrip() {
    }

    /**
     * @param what {@code "its parameter 'owner'"} or {@code "its result"}
     * @throws InvalidProcessAsyncMethodException naming the type, the property and the fixes
     */
    static void verify(JsonMapper mapper, ProcessAsyncMethod method, JavaType type, String what) {
        check(mapper, method, type, what, new HashSet<>());
    }

    private static void check(JsonMapper mapper, ProcessAsyncMethod method, JavaType type, String what, Set<Class<?>> seen) {
        if (type == null) {
            return;
        }
        if (type.isContainerType() || type.isReferenceType()) {
            if (type.isMapLikeType()) {
                check(mapper, method, type.getKeyType(), what, seen);
            }
            check(mapper, method, type.getContentType(), what, seen);
            return;
        }
        Class<?> raw = type.getRawClass();
        if (CHANGES_CLASS.contains(raw)) {
            throw new InvalidProcessAsyncMethodException(method.method(), what + " is declared as " + type.toCanonical()
                    + " (itself or inside it, as an element, value or property type: " + raw.getName() + "), so its JSON names no class "
                    + "and reads back as another one: a record as LinkedHashMap, BigDecimal as Double, int[] as ArrayList, NaN as "
                    + "String, Optional.of(5) as Integer; the other side would get a different value without an error",
                    "Declare the concrete type (List<Point> rather than List<Object> or a raw List, BigDecimal rather than Number), "
                            + "or a record that holds the values. To skip this check (and strict reading of calls), set "
                            + "loky.json.verify-round-trip=false.");
        }
        if (raw.isPrimitive() || raw.isEnum() || raw.isInterface() && raw.getName().startsWith("java.") || platform(raw) || !seen.add(raw)) {
            return;
        }
        ValueSerializer<Object> serializer = mapper._serializationContext().findValueSerializer(type);
        if (!(serializer instanceof BeanSerializerBase bean)) {
            return;
        }
        ObjectReader strict = mapper.readerFor(type).with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        for (Iterator<PropertyWriter> properties = bean.properties(); properties.hasNext();) {
            PropertyWriter property = properties.next();
            if (!readable(strict, property.getName())) {
                throw new InvalidProcessAsyncMethodException(method.method(), what + " has the type " + raw.getName() + ", whose property '"
                        + property.getName() + "' is written as JSON but cannot be read back (no setter, no creator parameter, not a "
                        + "settable field), so it would arrive empty or missing on the other side",
                        "Pass a DTO or record instead of " + raw.getSimpleName() + ", or make '" + property.getName() + "' readable: add a "
                                + "setter, or a @JsonCreator constructor that takes it, or enable getters as setters for collections "
                                + "(spring.jackson.mapper.use-getters-as-setters=true). If it is derived, mark it "
                                + "@JsonProperty(access = JsonProperty.Access.READ_ONLY) or @JsonIgnore. To skip this check "
                                + "(and strict reading of calls), set loky.json.verify-round-trip=false.");
            }
            check(mapper, method, property.getType(), what, seen);
        }
    }

    /** {@code false} only if a strict reader rejects the property as unknown; any other outcome means it is read. */
    private static boolean readable(ObjectReader strict, String name) {
        try {
            strict.readValue("{" + JsonMapper.shared().writeValueAsString(name) + ":null}");
            return true;
        } catch (UnrecognizedPropertyException ex) {
            return !name.equals(ex.getPropertyName());
        } catch (RuntimeException ex) {
            return true;
        }
    }

    private static boolean platform(Class<?> raw) {
        String name = raw.getName();
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.") || name.startsWith("tools.jackson.")
                || name.startsWith("com.fasterxml.jackson.");
    }
}
