package dev.loky.spring.actuate;

import dev.loky.ProcessExecutor;
import dev.loky.cluster.ClusterExecutors;
import org.springframework.util.ClassUtils;

import java.util.List;

/**
 * The cluster members behind a {@link ProcessExecutor}, for the endpoint and the health contributor;
 * {@code null} for a local pool. {@code loky-hazelcast} is optional: its classes are only touched
 * (by the nested holder) once they are known to be on the classpath.
 */
final class ClusterView {

    private static final boolean PRESENT = ClassUtils.isPresent("dev.loky.cluster.ClusterExecutors", ClusterView.class.getClassLoader());

    private ClusterView() {
    }

    static List<LokyEndpoint.MemberDescriptor> members(ProcessExecutor executor) {
        return PRESENT ? Holder.members(executor) : null;
    }

    /** Cluster messages the executor's member refused ({@code loky.cluster.rejected}); 0 for a local pool. */
    static double rejected(ProcessExecutor executor) {
        return PRESENT && executor != null ? Holder.rejected(executor) : 0;
    }

    private static final class Holder {

        static double rejected(ProcessExecutor executor) {
            return ClusterExecutors.isCluster(executor) ? ClusterExecutors.rejectedMessages(executor) : 0;
        }

        static List<LokyEndpoint.MemberDescriptor> members(ProcessExecutor executor) {
            if (!ClusterExecutors.isCluster(executor)) {
                return null;
            }
            return ClusterExecutors.members(executor).stream().map(m -> new LokyEndpoint.MemberDescriptor(m.name(), m.local(),
                    m.reachable(), m.maxWorkers(), m.live(), m.busy(), m.queued())).toList();
        }
    }
}
