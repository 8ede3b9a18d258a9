package dev.loky.spring.invocation;

import org.springframework.beans.factory.ListableBeanFactory;
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
}
