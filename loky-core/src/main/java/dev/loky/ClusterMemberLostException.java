package dev.loky;

/**
 * A call was sent to another member of a cluster (see {@code dev.loky.cluster.ClusterExecutors}) and
 * that member left the cluster (it stopped, crashed or became unreachable) before it answered. The
 * call may or may not have run there; only calls that are safe to repeat should be retried.
 */
public class ClusterMemberLostException extends LokyException {

    private static final long serialVersionUID = 1L;

    private final String member;

    public ClusterMemberLostException(String member, String message, Throwable cause) {
        super(message, cause);
        this.member = member;
    }

    /** The member that was lost, as {@code host:port}. */
    public String member() {
        return member;
    }
}
