package dev.loky.memory;

import oshi.SystemInfo;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resident memory of a process, read with OSHI ({@link OSProcess#getResidentMemory()}). OSHI is
 * initialised on first use only, so a pool that never asks pays nothing.
 */
public final class ResidentMemory {

    private static final Logger log = LoggerFactory.getLogger(ResidentMemory.class);

    private ResidentMemory() {
    }

    /** Resident bytes of process {@code pid}, or {@code -1} if it is gone or cannot be read. */
    public static long of(long pid) {
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            return -1;
        }
        try {
            OSProcess process = Holder.OS.getProcess((int) pid);
            return process == null ? -1 : process.getResidentMemory();
        } catch (RuntimeException | LinkageError e) {
            log.debug("cannot read resident memory of pid {}", pid, e);
            return -1;
        }
    }

    private static final class Holder {
        static final OperatingSystem OS = new SystemInfo().getOperatingSystem();
    }
}
