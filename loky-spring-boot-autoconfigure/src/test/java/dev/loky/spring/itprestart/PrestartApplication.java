package dev.loky.spring.itprestart;

import dev.loky.spring.ProcessAsync;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Service;

/** The application of {@link PrestartInTestsTests}: one {@code @ProcessAsync} bean, nothing else. */
@SpringBootApplication
public class PrestartApplication {

    /** Answers with the pid of the JVM that ran it. */
    @Service
    public static class PidService {

        @ProcessAsync
        public long pid() {
            return ProcessHandle.current().pid();
        }
    }
}
