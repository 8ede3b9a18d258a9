package dev.loky.spring.workerlog;

import dev.loky.spring.ProcessAsync;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.stereotype.Component;
import org.springframework.stereotype.Service;

/**
 * Booted by {@link WorkerLogLevelsTests} in the test JVM and in the worker JVM: a context that is
 * chatty while it starts (an INFO line and a WARN line from a listener bean, created in every
 * context) and a {@code @ProcessAsync} method that logs at several levels and writes a plain line.
 */
@SpringBootApplication
public class WorkerLogApplication {

    /** The logger the calls log under: short, so the parent's pattern does not abbreviate it. */
    static final Logger CHATTY = LoggerFactory.getLogger("chatty.render");

    @Component
    static class StartupChatter implements ApplicationListener<ContextRefreshedEvent> {
        @Override
        public void onApplicationEvent(ContextRefreshedEvent event) {
            CHATTY.info("chatter at start-up in pid {}", ProcessHandle.current().pid());
            CHATTY.warn("a start-up warning in pid {}", ProcessHandle.current().pid());
        }
    }

    @Service
    public static class ChattyService {

        /** Logs a DEBUG, an INFO, a WARN and an ERROR with its stack trace, and writes a plain stderr line; its pid. */
        @ProcessAsync
        public long render(String marker) {
            CHATTY.debug("debug detail {}", marker);
            CHATTY.info("rendering {}", marker);
            CHATTY.warn("careful with {}", marker);
            CHATTY.error("failed part of " + marker, new IllegalStateException("boom " + marker));
            System.err.println("plain stderr line " + marker);
            return ProcessHandle.current().pid();
        }
    }
}
