package dev.loky.pool;

import dev.loky.PoolEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.function.Consumer;

/** Tells every listener, logging (never propagating) what one throws. */
final class Listeners {

    private static final Logger log = LoggerFactory.getLogger(Listeners.class);

    private final List<PoolEventListener> listeners;

    Listeners(List<PoolEventListener> listeners) {
        this.listeners = listeners;
    }

    void fire(Consumer<PoolEventListener> event) {
        for (PoolEventListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                log.warn("loky pool listener {} threw; ignored", listener, e);
            }
        }
    }
}
