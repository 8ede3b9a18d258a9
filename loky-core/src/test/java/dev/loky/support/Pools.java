package dev.loky.support;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.loky.PoolConfig;
import dev.loky.ProcessExecutor;
import dev.loky.ProcessExecutors;

/**
 * The pools a test made, each killed after the test ({@code shutdownNow}): register with
 * {@code @RegisterExtension final Pools pools = new Pools();} and make pools with {@link #create}.
 */
public final class Pools implements AfterEachCallback {

    private final List<ProcessExecutor> made = new ArrayList<>();

    /** A new private pool, shut down after the test. */
    public ProcessExecutor create(PoolConfig config) {
        ProcessExecutor pool = ProcessExecutors.create(config);
        made.add(pool);
        return pool;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (ProcessExecutor pool : made) {
            pool.shutdownNow();
        }
        made.clear();
    }
}
