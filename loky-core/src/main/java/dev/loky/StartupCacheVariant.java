package dev.loky;

/**
 * Implemented by a {@link PoolConfig#initializer() pool initializer} whose workers load different
 * classes as the initializer learns (for example, the Spring worker context creates the beans the
 * application has called, and with them JPA): each variant gets a start-up cache of its own
 * ({@code loky.worker.startup-cache}), recorded by a worker that runs the initializer as it is then,
 * so that what such a worker loads is in the cache it starts from. Keep the number of variants small
 * (each is a cache file of tens of megabytes); the empty variant is the cache of an initializer that
 * does not implement this.
 */
public interface StartupCacheVariant {

    /** The variant of the start-up cache for a worker started now; the same string for the same classes to load. */
    String startupCacheVariant();
}
