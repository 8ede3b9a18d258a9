package dev.loky.spring.invocation;

import org.springframework.beans.factory.ListableBeanFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Finds the application's Jackson mapper, in the parent and in a worker alike. */
public final class JsonMappers {

    private static volatile JsonMapper fallback;

    private JsonMappers() {
    }

    /** The context's unique {@link JsonMapper} bean, or a default mapper with the classpath's modules. */
    public static JsonMapper of(ListableBeanFactory beanFactory) {
        return beanFactory.getBeanProvider(JsonMapper.class).getIfUnique(JsonMappers::fallback);
    }

    /** A default mapper, used when the application defines none (both sides then use it). */
    public static JsonMapper fallback() {
        JsonMapper mapper = fallback;
        if (mapper == null) {
            mapper = JsonMapper.builder().findAndAddModules().build();
            fallback = mapper;
        }
        return mapper;
    }

    /**
     * The mapper that calls travel with: the application's, reading strictly (an unknown property
     * is an error, not silently dropped) unless {@code loky.json.verify-round-trip=false}. Both
     * JVMs build it the same way. A rebuilt copy: the application's own mapper is not changed.
     */
    public static JsonMapper forCalls(JsonMapper mapper, boolean strict) {
        if (!strict || mapper.isEnabled(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)) {
            return mapper;
        }
        return mapper.rebuild().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    }
}
