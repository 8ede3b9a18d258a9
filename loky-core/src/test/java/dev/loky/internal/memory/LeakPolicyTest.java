package dev.loky.internal.memory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one leak rule both JVMs use: the interval, the reference, and the suspicion the worker acts on. */
class LeakPolicyTest {

    private static final long MB = 1024 * 1024;
    private static final long SECOND = 1_000_000_000L;
    private final LeakPolicy policy = new LeakPolicy(100 * MB, 1000);

    @Test
    void aCheckIsDueAtMostOncePerInterval() {
        assertThat(policy.due(5 * SECOND)).as("the first time").isTrue();
        assertThat(policy.due(5 * SECOND + SECOND / 2)).isFalse();
        assertThat(policy.due(6 * SECOND)).isTrue();
        assertThat(policy.due(6 * SECOND + 1)).as("the true above started a new interval").isFalse();
    }

    @Test
    void nothingGrowsBeforeTheReference() {
        assertThat(policy.heapGrew(10_000 * MB)).isFalse();
        assertThat(policy.outsideGrew(10_000 * MB, 0)).isFalse();
        assertThat(policy.heapLeak(10_000 * MB)).isNull();
    }

    @Test
    void heapAndNativeGrowthAreMeasuredOverTheReference() {
        policy.reference(20 * MB, LeakPolicy.outside(60 * MB, 16 * MB)); // 44 MB outside the heap
        assertThat(policy.heapGrew(120 * MB)).as("exactly the threshold").isFalse();
        assertThat(policy.heapGrew(121 * MB)).isTrue();
        assertThat(policy.outsideGrew(160 * MB, 16 * MB)).as("grew by 100 MB").isFalse();
        assertThat(policy.outsideGrew(161 * MB, 16 * MB)).isTrue();
        assertThat(policy.outsideGrew(161 * MB, 64 * MB)).as("a bigger committed heap explains it").isFalse();
        assertThat(policy.outsideGrew(-1, 16 * MB)).as("resident memory unknown").isFalse();
    }

    @Test
    void anUnknownResidentReferenceCanBeTakenLater() {
        policy.reference(20 * MB, LeakPolicy.outside(-1, 16 * MB));
        assertThat(policy.hasOutsideReference()).isFalse();
        assertThat(policy.nativeLeak(500 * MB, 16 * MB)).isNull();
        policy.referenceOutside(LeakPolicy.outside(40 * MB, 16 * MB));
        assertThat(policy.nativeLeak(150 * MB, 16 * MB)).startsWith("its memory outside the heap grew by 110 MB");
    }

    @Test
    void aThresholdOfZeroTurnsProtectionOff() {
        assertThat(new LeakPolicy(0, 1000).enabled()).isFalse();
        assertThat(policy.enabled()).isTrue();
    }
}
