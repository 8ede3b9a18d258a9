package dev.loky.internal.pool.scheduling;

import dev.loky.PoolEventListener;
import org.slf4j.Logger;

import java.util.List;
import java.util.function.Consumer;

/** Tells every listener, logging (never propagating) what one throws. */
public final class Listeners {

    private static final Logger log = PoolLog.logger();

    private final List<PoolEventListener> listeners;

    Listeners(List<PoolEventListener> listeners) {
        this.listeners = listeners;
    }

    public void fire(Consumer<PoolEventListener> event) {
        for (PoolEventListener listener : listeners) {
            try {
                event.accept(listener);
            } catch (RuntimeException e) {
                log.warn("loky pool listener {} threw; ignored", listener, e);
            }
        }
    }
}
